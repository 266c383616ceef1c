/**
 * Diffs of the prod stack against edited copies of itself: one change in config shows as just that
 * change, threshold changes as rule changes, routing changes as route changes, secrets masked.
 */
import { afterAll, describe, expect, it } from "vitest";
import { formatDiff } from "../../src/diff/markdown.ts";
import { riskSummary } from "../../src/diff/risk.ts";
import { diffStack } from "../../src/diff/stackDiff.ts";
import { AGENT_INVENTORY } from "../../src/manifests/monitoring/rules/promql.ts";
import { edit, prodText, removeCheckouts, renderText } from "./support.ts";

afterAll(removeCheckouts);

const base = renderText(prodText());
const header = { base: "main", head: "working tree" };

describe("one agent's image changes in prod", () => {
  const head = renderText(
    edit(prodText(), "image: ghcr.io/agent-fleet/ingest-agent", "image: ghcr.io/agent-fleet/ingest-agent-v2"),
  );
  const diff = diffStack("prod", base, head);

  it("shows just that change: one field of one resource", () => {
    expect(diff.objects.added).toEqual([]);
    expect(diff.objects.removed).toEqual([]);
    expect(
      diff.objects.changed.map((change) => [change.key, change.fields.map((field) => field.path)]),
    ).toEqual([["data-processing/AgentRollout/ingest", ["spec.template.spec.containers[agent].image"]]]);
    expect(diff.rules).toEqual([]);
    expect(diff.alerting).toEqual({ routes: [], receivers: [], inhibitRules: { added: [], removed: [] } });
  });

  it("summarises the risk in one line and prints the field change", () => {
    expect(riskSummary(diff)).toBe("prod: 1 agent changes image; 1 canary release will start");
    const text = formatDiff(diff, header);
    expect(text).toContain("**Risk:** prod: 1 agent changes image; 1 canary release will start");
    expect(text).toContain("| AgentRollout | 0 | 1 | 0 |");
    const digest = "sha256:3f1c2b9a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
    expect(text).toContain(
      `| \`spec.template.spec.containers[agent].image\` | \`ghcr.io/agent-fleet/ingest-agent@${digest}\` | \`ghcr.io/agent-fleet/ingest-agent-v2@${digest}\` |`,
    );
    expect(text.match(/^\*\*~ /gm)).toHaveLength(1);
  });
});

describe("one agent's version changes", () => {
  const digest = "sha256:0b1c2d3e4f5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
  const next = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  const diff = diffStack("prod", base, renderText(edit(prodText(), digest, next)));

  it("touches only that agent's objects; besides the workload, only version labels", () => {
    const keys = diff.objects.changed.map((change) => change.key);
    expect(keys).toContain("data-processing/Deployment/partner-api");
    expect(keys.every((key) => key.endsWith("/partner-api") || key.endsWith("/partner-api-config"))).toBe(
      true,
    );
    expect(riskSummary(diff)).toBe("prod: 1 agent changes image; 1 rolling update");
    const text = formatDiff(diff, header);
    expect(text).toContain(
      "**~ `data-processing/HorizontalPodAutoscaler/partner-api`** — labels/annotations only:",
    );
  });
});

describe("an alert threshold changes", () => {
  const head = renderText(
    edit(
      prodText(),
      "  agent-fleet:monitoring:\n",
      "  agent-fleet:monitoring:\n    thresholds:\n      queueDepthCritical: 20000\n",
    ),
  );
  const diff = diffStack("prod", base, head);

  it("shows the rule whose expression changed, with the expression diff", () => {
    expect(diff.objects.changed.map((change) => change.key)).toEqual([
      "monitoring/PrometheusRule/agent-fleet-thresholds",
    ]);
    expect(diff.rules.map(({ id, change, fields }) => [id, change, fields])).toEqual([
      [
        "agent-fleet.thresholds / record namespace_agent:alert_threshold:queue_depth_critical",
        "changed",
        ["expr"],
      ],
    ]);
    expect(diff.rules[0]?.exprBefore).toBe(`50000 * ${AGENT_INVENTORY}`);
    expect(diff.rules[0]?.exprAfter).toContain(`20000 * ${AGENT_INVENTORY}`);
    const text = formatDiff(diff, header);
    expect(text).toContain("prod: 1 recording rule changes");
    expect(text).toContain(
      "**~ `monitoring/PrometheusRule/agent-fleet-thresholds`** — rules only (see Alert rules)",
    );
    const inventory = AGENT_INVENTORY.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(text).toMatch(new RegExp(`^\`\`\`diff\n- 50000 \\* ${inventory}\n`, "m"));
    expect(text).toMatch(new RegExp(`^\\+ +20000 \\* ${inventory}$`, "m"));
  });
});

describe("alert routing changes", () => {
  const head = renderText(
    edit(
      edit(prodText(), 'channel: "#data-fleet-alerts"', 'channel: "#data-fleet-pages"'),
      "  agent-fleet:alerting:\n",
      "  agent-fleet:alerting:\n    repeatInterval:\n      critical: 30m\n",
    ),
  );
  const diff = diffStack("prod", base, head);

  it("shows the changed route and receiver, and masks the Secret that carries them", () => {
    expect(diff.alerting.routes.map(({ route, change, after }) => [route, change, after])).toEqual([
      [
        '(root) › environment="dev" › severity="critical"',
        "changed",
        "receiver webhook · group_wait 10s · group_interval 1m · repeat_interval 30m",
      ],
      [
        '(root) › severity="critical"',
        "changed",
        "receiver oncall · group_wait 10s · group_interval 1m · repeat_interval 30m",
      ],
    ]);
    expect(diff.alerting.receivers.map(({ name, change }) => [name, change])).toContainEqual([
      "team",
      "changed",
    ]);
    const secret = diff.objects.changed.find((change) => change.kind === "Secret");
    expect(secret?.fields.every((field) => field.masked && field.after === "••••••")).toBe(true);
    const text = formatDiff(diff, header);
    expect(text).toContain("alert routing changes");
    expect(text).not.toContain("#data-fleet-pages\n");
    expect(text).toMatch(/\| `stringData\["alertmanager\.yaml"\]` \(secret\) \| `••••••` \| `••••••` \|/);
  });
});

describe("an agent is added", () => {
  const added = `    - id: reconcile
      image: ghcr.io/agent-fleet/reconcile-agent
      version: sha256:${"c".repeat(64)}
      replicas: { min: 3, max: 3 }
      resources:
        limits: { cpu: 500m, memory: 1Gi, storage: 10Gi }
  agent-fleet:autoscaling:
`;
  // Appended to the agents list, which the autoscaling key follows in the prod stack file.
  const diff = diffStack("prod", base, renderText(edit(prodText(), "  agent-fleet:autoscaling:\n", added)));

  it("lists the new resources grouped by kind", () => {
    const text = formatDiff(diff, header);
    expect(text).toContain("**+ `data-processing/Deployment/reconcile`** added");
    expect(text).toContain("| Deployment | 1 | 0 | 0 |");
    expect(text.indexOf("#### ConfigMap")).toBeLessThan(text.indexOf("#### Deployment"));
    expect(riskSummary(diff)).toMatch(/^prod: 1 workload added; /);
  });

  it("reads the other way as a removal", () => {
    const reverse = diffStack(
      "prod",
      renderText(edit(prodText(), "  agent-fleet:autoscaling:\n", added)),
      base,
    );
    expect(reverse.objects.removed.map((object) => object.kind)).toContain("Deployment");
    expect(riskSummary(reverse)).toMatch(/1 workload removed; \d+ resources removed/);
  });
});

it("reports no changes for identical renders", () => {
  const diff = diffStack("prod", base, renderText(prodText()));
  expect(riskSummary(diff)).toBe("prod: no changes");
  expect(formatDiff(diff, header)).not.toContain("####");
});
