// Validates External Secrets custom resources with @kubernetes-models/external-secrets
// (typed models generated from the operator's CRD schemas). Reads a JSON array of objects on
// stdin; prints a JSON array with one {kind, name, namespace, error} per object it knows.
const MODELS = {
  "external-secrets.io/v1 ExternalSecret":
    ["@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret", "ExternalSecret"],
  "generators.external-secrets.io/v1alpha1 ECRAuthorizationToken":
    ["@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/ECRAuthorizationToken",
     "ECRAuthorizationToken"],
};
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  const entry = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!entry) continue;
  const Model = (await import(entry[0]))[entry[1]];
  let error = null;
  try {
    new Model(object).validate();
  } catch (caught) {
    error = String(caught && caught.message ? caught.message : caught);
  }
  results.push({ kind: object.kind, name: object.metadata.name,
                 namespace: object.metadata.namespace, error });
}
process.stdout.write(JSON.stringify(results));
