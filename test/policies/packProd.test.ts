/** The prod stack through the policy pack as Pulumi runs it: the program's resources raise no violation. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/renderCli.ts";
import { stackFilePath } from "../../src/config/index.ts";
import {
  type EngineResource,
  programResources,
  type RunningPack,
  startPolicyPack,
} from "./support/analyzer.ts";

let pack: RunningPack;
let resources: EngineResource[];

beforeAll(async () => {
  const file = stackFilePath("prod", PROJECT_DIR);
  [pack, { resources }] = await Promise.all([startPolicyPack("prod", file), programResources("prod", file)]);
});
afterAll(() => pack?.stop());

it("prod passes every policy of the pack, all of them mandatory", async () => {
  const info = await pack.info();
  expect(new Set(info.policies.map((policy) => policy.enforcement))).toEqual(new Set(["mandatory"]));
  expect(resources.length).toBeGreaterThan(50);
  const perResource = await Promise.all(resources.map((resource) => pack.analyze(resource)));
  expect([...perResource.flat(), ...(await pack.analyzeStack(resources))]).toEqual([]);
});
