/**
 * The offline render applied without Pulumi, the way the README documents it: `kubectl apply
 * --server-side` of crds/ and then of manifests/ succeeds in one pass on a real apiserver, every
 * object is admitted (PodSecurity restricted, quotas, schemas), and a second apply is a no-op.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../../harness/cluster/controlPlane.ts";
import { applyRender, installPrerequisites, render } from "../../harness/cluster/fleet.ts";

let plane: ControlPlane;
const scratch = mkdtempSync(join(tmpdir(), "cluster-render-"));
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => {
  await plane?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(["dev", "prod"] as const)("the %s render on a real apiserver", (stack) => {
  const out = join(scratch, stack);

  it("applies crds/ then manifests/ in one pass each, every object admitted", async () => {
    await render(stack, out);
    await installPrerequisites(plane, stack);
    const applied = applyRender(plane, out);
    expect(applied).toMatch(/serverside-applied/);
    const lines = applied.trim().split("\n");
    expect(
      lines.every((line) => /serverside-applied$/.test(line)),
      applied,
    ).toBe(true);
  });

  it("leaves nothing to change: a server-side diff of the render is empty", () => {
    // `kubectl diff` exits 1 when there are differences, >1 on errors.
    expect(() => plane.kubectl(["diff", "--server-side", "-f", join(out, "manifests")])).not.toThrow();
    expect(() => plane.kubectl(["diff", "--server-side", "-f", join(out, "crds")])).not.toThrow();
  });
});
