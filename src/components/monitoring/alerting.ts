/**
 * `Alerting`: the Alertmanager configuration Secret, with every `<secret:key>` placeholder replaced
 * by the stack's secret (a `pulumi.secret` Output, never plaintext in state), and, with
 * `monitoring.installPrometheus`, the Alertmanager that reads it. With
 * `alerting.receivers.webhook.bearerToken: generate` the webhook's token is a `RandomPassword`
 * (opt-in: it needs the `pulumi-resource-random` plugin), kept secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { secretConfig } from "../../config/pulumiConfig.ts";
import type { WebhookBearerTokenMode } from "../../config/schema.ts";
import { type SecretKey, secretKeysIn } from "../../config/secrets.ts";
import {
  ALERTMANAGER_CONFIG_KEY,
  alertmanagerYaml,
} from "../../manifests/monitoring/alerting/alertingObjects.ts";
import { fillAlertmanagerSecrets } from "../../manifests/monitoring/alerting/alertmanager.ts";
import type { AlertmanagerConfig } from "../../manifests/monitoring/alerting/alertmanagerTypes.ts";
import type { KubeObject } from "../../manifests/types.ts";
import { registerObject } from "../kubeObject.ts";

export interface AlertingArgs {
  /** The rendered alerting objects (`RenderedFleet.alerting`): the config Secret, maybe an Alertmanager. */
  objects: KubeObject[];
  /** The Alertmanager config with placeholders (`RenderedFleet.alertmanagerConfig`). */
  config: AlertmanagerConfig;
  /** Namespaces the objects live in but this component does not create. @default [] */
  namespaces?: pulumi.Resource[];
  /**
   * Reads one secret config value. @default `secretConfig` (the stack's `agent-fleet:<key>`).
   * Returns undefined when the stack does not set the key.
   */
  readSecret?: (key: SecretKey) => pulumi.Output<string> | undefined;
  /** `alerting.receivers.webhook.bearerToken`: `generate` creates the token. @default "secret" */
  webhookBearerToken?: WebhookBearerTokenMode;
}

export class Alerting extends pulumi.ComponentResource {
  /** Name of the Secret holding `alertmanager.yaml` (an Alertmanager's `spec.configSecret`). */
  readonly configSecretName: pulumi.Output<string>;
  /** The webhook receiver's bearer token (configured or generated); secret. Undefined without one. */
  readonly webhookBearerToken: pulumi.Output<string> | undefined;
  readonly children: pulumi.Resource[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-fleet:index:Alerting", name, {}, opts);
    const values = resolveSecrets(name, args, this);
    this.webhookBearerToken = values.webhookBearerToken;
    const { secret, children } = createAlertingResources(args, values, this);
    this.configSecretName = pulumi.output(secret.metadata.name);
    this.children = children;
    this.registerOutputs({
      configSecretName: this.configSecretName,
      webhookBearerToken: this.webhookBearerToken,
    });
  }
}

/**
 * Every secret the config references, as secret Outputs. The loader has already turned off (or,
 * in prod, refused) receivers whose secret is missing; a credential still missing here is
 * reported, naming each key and the fix.
 */
export function resolveSecrets(
  name: string,
  args: AlertingArgs,
  parent: pulumi.Resource,
): Partial<Record<SecretKey, pulumi.Output<string>>> {
  const read = args.readSecret ?? ((key: SecretKey) => secretConfig(key));
  const keys = secretKeysIn(JSON.stringify(args.config));
  const generated = (key: SecretKey) =>
    key === "webhookBearerToken" && args.webhookBearerToken === "generate";
  const configured = new Map(keys.map((key) => [key, generated(key) ? undefined : read(key)]));
  const missing = keys.filter((key) => !configured.get(key) && !generated(key));
  if (missing.length > 0) {
    throw new Error(
      missing
        .map(
          (key) =>
            `alerting: the Alertmanager config needs the secret \`${key}\`: run \`pulumi config set --secret ${key} <value>\``,
        )
        .join("\n"),
    );
  }
  return Object.fromEntries(
    keys.map((key) => {
      const value = configured.get(key);
      return [key, value ? pulumi.secret(value) : generatedToken(name, parent)];
    }),
  );
}

function generatedToken(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  const token = new random.RandomPassword(
    `${name}-webhook-bearer-token`,
    { length: 48, special: false },
    { parent },
  );
  return pulumi.secret(token.result);
}

export function createAlertingResources(
  args: AlertingArgs,
  values: Partial<Record<SecretKey, pulumi.Output<string>>>,
  parent: pulumi.Resource,
): { secret: KubeObject; children: pulumi.CustomResource[] } {
  const secret = args.objects.find((object) => object.kind === "Secret");
  if (!secret) throw new Error("alerting: rendered objects lack the Alertmanager config Secret");
  const filled = pulumi
    .all(values)
    .apply((plain) =>
      alertmanagerYaml(fillAlertmanagerSecrets(args.config, plain as Partial<Record<SecretKey, string>>)),
    );
  const secretResource = registerObject(
    secret,
    { parent, dependsOn: args.namespaces ?? [], additionalSecretOutputs: ["data", "stringData"] },
    { ...secret, stringData: { [ALERTMANAGER_CONFIG_KEY]: pulumi.secret(filled) } },
  );
  const rest = args.objects
    .filter((object) => object !== secret)
    .map((object) => registerObject(object, { parent, dependsOn: [secretResource] }));
  return { secret, children: [secretResource, ...rest] };
}
