import { beforeAll, describe, expect, it } from "vitest";
import { Alerting } from "../../src/components/monitoring/alerting.ts";
import { promiseOf, runMonitoringUnderMocks } from "./support/mockedMonitoring.ts";

type Run = Awaited<ReturnType<typeof runMonitoringUnderMocks>>;

describe("Monitoring and Alerting under mocks: dev stack with its own token and an own Prometheus", () => {
  let run: Run;
  beforeAll(async () => {
    run = await runMonitoringUnderMocks(
      "dev",
      {
        "agent-fleet:webhookBearerToken": "token-from-the-stack",
        "agent-fleet:monitoring": JSON.stringify({
          selectorLabels: { release: "agent-fleet" },
          installPrometheus: true,
          retention: "30d",
        }),
      },
      ["agent-fleet:webhookBearerToken"],
    );
  });

  it("uses the stack's webhook token and generates none", async () => {
    expect(run.resources.some((resource) => resource.type.startsWith("random:"))).toBe(false);
    const token = run.defined.alerting.webhookBearerToken;
    expect(token && (await promiseOf(token))).toBe("token-from-the-stack");
  });

  it("installs Prometheus (30d retention, selecting our labels) and an Alertmanager reading the Secret", () => {
    const prometheus = run.resources.find((resource) => resource.inputs.kind === "Prometheus");
    expect(prometheus?.inputs.spec).toMatchObject({
      retention: "30d",
      retentionSize: "40GB",
      storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } },
      ruleSelector: { matchLabels: { release: "agent-fleet" } },
      podMonitorSelector: { matchLabels: { release: "agent-fleet" } },
    });
    const alertmanager = run.resources.find((resource) => resource.inputs.kind === "Alertmanager");
    expect(alertmanager?.inputs.spec).toMatchObject({ configSecret: "alertmanager-agent-fleet" });
    expect(
      run.urns.some((urn) =>
        urn.includes(
          "agent-fleet:index:Alerting$kubernetes:monitoring.coreos.com/v1:Alertmanager::monitoring/agent-fleet",
        ),
      ),
    ).toBe(true);
    expect(
      run.urns.some((urn) =>
        urn.includes("agent-fleet:index:Monitoring$kubernetes:core/v1:Namespace::monitoring"),
      ),
    ).toBe(true);
  });

  it("refuses to build an Alertmanager config whose credential the stack lacks, naming the key", () => {
    const config = {
      global: { slack_api_url: "https://secret.invalid/<secret:slackApiUrl>" },
      route: { receiver: "blackhole" },
      receivers: [{ name: "blackhole" }],
      inhibit_rules: [],
    };
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "am", namespace: "monitoring" } };
    expect(() => new Alerting("broken", { objects: [secret], config, readSecret: () => undefined })).toThrow(
      /needs the secret `slackApiUrl`: run `pulumi config set --secret slackApiUrl <value>`/,
    );
  });
});
