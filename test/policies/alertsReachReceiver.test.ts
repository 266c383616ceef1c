/**
 * `alerts-reach-a-receiver`: the Alertmanager config the stack ships must route alerts to at least
 * one receiver that notifies someone. Mandatory in prod; in dev, where a receiver without its secret
 * is turned off on purpose, advisory.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { KubeObject } from "../../src/manifests/types.ts";
import { evaluatePolicies } from "../../src/policy/evaluate.ts";
import { packPolicies } from "../../src/policy/pack.ts";
import { testContext, urnOf, validateStack } from "./support/pack.ts";

const POLICY = "alerts-reach-a-receiver";

function secretWith(config: unknown, encoding: "stringData" | "data" = "stringData"): KubeObject {
  const yaml = stringify(config);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "alertmanager-agent-fleet", namespace: "monitoring" },
    [encoding]: { "alertmanager.yaml": encoding === "data" ? Buffer.from(yaml).toString("base64") : yaml },
  };
}

const blackhole = { name: "blackhole" };
const webhook = { name: "webhook", webhook_configs: [{ url: "https://alerts.example.com/hook" }] };
const nowhere = {
  route: {
    receiver: "blackhole",
    routes: [
      { receiver: "blackhole", matchers: ['severity="critical"'] },
      { receiver: "blackhole", matchers: ['environment="dev"'], routes: [{ receiver: "blackhole" }] },
    ],
  },
  receivers: [blackhole],
};

describe(POLICY, () => {
  it("passes when any route, nested or the root, reaches a receiver with notification configs", async () => {
    const nested = structuredClone(nowhere);
    nested.route.routes[1]?.routes?.push({ receiver: "webhook" });
    expect(await validateStack(POLICY, [secretWith({ ...nested, receivers: [blackhole, webhook] })])).toEqual(
      [],
    );
    const root = { route: { receiver: "webhook" }, receivers: [webhook] };
    expect(await validateStack(POLICY, [secretWith(root, "data")])).toEqual([]);
  });

  it("fails a config whose every route ends in a receiver without *_configs, blaming its Secret", async () => {
    const secret = secretWith(nowhere);
    expect(await validateStack(POLICY, [secret])).toEqual([
      {
        urn: urnOf(secret),
        message:
          "alertmanager.yaml routes every alert to receivers that notify no one (blackhole): the root route and its 3 " +
          "child routes all end in a receiver without *_configs, so in stack prod alerts reach no one. Fix: declare " +
          "alerting.receivers (pagerduty, slack, email or webhook) and set their secrets",
      },
    ]);
  });

  it("counts a receiver that is named but not defined, or defined with empty configs, as notifying no one", async () => {
    const config = {
      route: { receiver: "oncall", routes: [{ receiver: "team" }] },
      receivers: [{ name: "team", slack_configs: [] }],
    };
    expect(await validateStack(POLICY, [secretWith(config)])).toHaveLength(1);
  });

  it("says nothing about a config it cannot read (unknown during a preview) or a stack without one", async () => {
    const unknown: KubeObject = { ...secretWith(nowhere), stringData: { "alertmanager.yaml": 42 } };
    expect(await validateStack(POLICY, [unknown])).toEqual([]);
    expect(await validateStack(POLICY, [])).toEqual([]);
  });

  it("is mandatory in prod and advisory in dev, even a dev stack whose policies are mandatory", () => {
    const level = (context: Parameters<typeof packPolicies>[0]) =>
      packPolicies(context).find((policy) => policy.name === POLICY)?.enforcementLevel;
    expect(level(testContext())).toBe("mandatory");
    const dev = testContext({ stack: "dev", environment: "dev", enforcement: "mandatory" });
    expect(level(dev)).toBe("advisory");
    expect(level({ ...dev, overrides: { [POLICY]: "mandatory" } })).toBe("mandatory");
    expect(level({ ...dev, enforcement: "disabled" })).toBe("disabled");
    const run = evaluatePolicies([secretWith(nowhere)], dev);
    expect(run.findings.map(({ enforcement }) => enforcement)).toEqual(["advisory"]);
  });
});
