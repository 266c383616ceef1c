/**
 * Pinning the controller image by digest in a stack file: only the pinned lines change, the stack
 * still loads and renders the controller at repository@digest, and bad input names the fix.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../harness/cli.ts";
import { loadStackFile } from "../../src/config/index.ts";
import { PinError, pinControllerImage } from "../../src/config/pinController.ts";
import { renderFleet } from "../../src/manifests/fleet.ts";

const DIGEST = `sha256:${"3f".repeat(32)}`;
const scratch = mkdtempSync(join(tmpdir(), "pin-controller-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const stackText = (stack: string) => readFileSync(join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");

/** Lines of `after` that are not in `before`, and the reverse. */
function changedLines(before: string, after: string) {
  const a = before.split("\n");
  const b = after.split("\n");
  return { removed: a.filter((line) => !b.includes(line)), added: b.filter((line) => !a.includes(line)) };
}

function controllerImageOf(text: string, stack: string): string | undefined {
  const file = join(scratch, `Pulumi.${stack}.yaml`);
  writeFileSync(file, text);
  const rendered = renderFleet(loadStackFile(file, stack).fleet);
  const deployment = rendered.controller.find((object) => object.kind === "Deployment") as
    | { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
    | undefined;
  return deployment?.spec.template.spec.containers[0]?.image;
}

describe("pinControllerImage", () => {
  it("changes only prod's controllerVersion line; the stack renders the controller by digest", () => {
    const before = stackText("prod");
    const after = pinControllerImage(before, { digest: DIGEST });
    const { removed, added } = changedLines(before, after);
    expect(removed).toEqual([expect.stringMatching(/^ {4}controllerVersion: sha256:[a-f0-9]{64}$/)]);
    expect(added).toEqual([`    controllerVersion: ${DIGEST}`]);
    expect(controllerImageOf(after, "prod")).toBe(`ghcr.io/agent-fleet/rollout-controller@${DIGEST}`);
  });

  it("adds the keys to dev's release map, with its indentation, and sets another repository", () => {
    const before = stackText("dev");
    const after = pinControllerImage(before, { digest: DIGEST, image: "ghcr.io/acme/rollout-controller" });
    expect(changedLines(before, after)).toEqual({
      removed: [],
      added: [`    controllerVersion: ${DIGEST}`, "    controllerImage: ghcr.io/acme/rollout-controller"],
    });
    expect(controllerImageOf(after, "dev")).toBe(`ghcr.io/acme/rollout-controller@${DIGEST}`);
  });

  it("adds the release map when the stack has none, keeping what follows", () => {
    const before = "config:\n  agent-fleet:environment: dev # the stage\n";
    expect(pinControllerImage(before, { digest: DIGEST })).toBe(
      `config:\n  agent-fleet:environment: dev # the stage\n  agent-fleet:release:\n    controllerVersion: ${DIGEST}\n`,
    );
    const tight =
      "config:\n  agent-fleet:release:\n    controllerVersion: 0.1.0\n  agent-fleet:environment: dev";
    expect(pinControllerImage(tight, { digest: DIGEST })).toBe(
      `config:\n  agent-fleet:release:\n    controllerVersion: ${DIGEST}\n  agent-fleet:environment: dev`,
    );
  });

  it("refuses a tag, a bad repository or a release map it cannot edit in place, naming the fix", () => {
    const text = stackText("prod");
    expect(() => pinControllerImage(text, { digest: "0.2.0" })).toThrow(
      /--digest "0.2.0" is not an image digest: expected sha256:<64 hex>/,
    );
    expect(() => pinControllerImage(text, { digest: DIGEST, image: "ghcr.io/Acme/x:1" })).toThrow(
      /--image "ghcr.io\/Acme\/x:1" is not an image repository/,
    );
    expect(() =>
      pinControllerImage(
        "config:\n  agent-fleet:release: { controllerVersion: 0.1.0 }\n",
        { digest: DIGEST },
        "f.yaml",
      ),
    ).toThrow(/f.yaml: `agent-fleet:release` must be a block map/);
    expect(() => pinControllerImage("config: [\n", { digest: DIGEST }, "f.yaml")).toThrow(PinError);
  });
});
