/**
 * The agent-fleet policy pack (`pulumi preview --policy-pack policies`); the only code that
 * constructs the PolicyPack.
 *
 * Pulumi's policy runner loads a TypeScript pack with `require()` through ts-node, so this file is
 * CommonJS (package.json `"type": "commonjs"`). The policies are the project's ESM modules in
 * src/policy, shared with the offline run (`npm run policy`); tsx imports them. They need the
 * project's own `npm ci` (zod, yaml; ts-node also compiles this file with the project's TypeScript).
 * Enforcement comes from the stack's own config, which Pulumi hands every policy pack: advisory in
 * dev, mandatory in prod, `policy.overrides` per policy.
 */
const { PolicyPack } = require("@pulumi/policy") as typeof import("@pulumi/policy");
const { tsImport } = require("tsx/esm/api") as typeof import("tsx/esm/api");
const { join } = require("node:path") as typeof import("node:path");
const { pathToFileURL } = require("node:url") as typeof import("node:url");

interface PackEntry {
  PACK_NAME: string;
  loadPackPolicies(): import("@pulumi/policy").Policies;
}

async function createAgentFleetPack(): Promise<void> {
  const entry = pathToFileURL(join(__dirname, "..", "src", "policy", "packEntry.ts")).href;
  const { PACK_NAME, loadPackPolicies } = (await tsImport(entry, __filename)) as PackEntry;
  new PolicyPack(PACK_NAME, { policies: loadPackPolicies() });
}

module.exports = createAgentFleetPack();
