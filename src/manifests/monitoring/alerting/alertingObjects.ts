/**
 * The Alertmanager configuration ships as a Secret holding a complete `alertmanager.yaml`, used by
 * a prometheus-operator `Alertmanager` through `spec.configSecret` (installed here when
 * `monitoring.installPrometheus` is set; otherwise point the cluster's Alertmanager at it, e.g.
 * kube-prometheus-stack `alertmanager.alertmanagerSpec.configSecret`). Not an `AlertmanagerConfig`:
 * the operator scopes those to their own namespace (it injects a `namespace="<its namespace>"`
 * matcher), while our alerts come from every agent namespace and `agent-fleet-system`; and the
 * plain file is exactly what `amtool` checks.
 */
import { stringify } from "yaml";
import type { FleetConfig } from "../../../config/index.ts";
import { fleetLabels } from "../../../contract/labels.ts";
import type { KubeObject } from "../../types.ts";
import type { AlertmanagerConfig } from "./alertmanagerTypes.ts";

export const ALERTMANAGER_NAME = "agent-fleet";
/** prometheus-operator's default config Secret name for an Alertmanager named `agent-fleet`. */
export const ALERTMANAGER_SECRET = `alertmanager-${ALERTMANAGER_NAME}`;
export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";

export function alertmanagerYaml(config: AlertmanagerConfig): string {
  return stringify(config, { lineWidth: 0 });
}

/** The Secret with placeholders; the Alerting component registers it with the real values. */
export function buildAlertmanagerSecret(fleet: FleetConfig, config: AlertmanagerConfig): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: ALERTMANAGER_SECRET,
      namespace: fleet.monitoring.namespace,
      labels: fleetLabels("alerting"),
    },
    type: "Opaque",
    stringData: { [ALERTMANAGER_CONFIG_KEY]: alertmanagerYaml(config) },
  };
}

export function buildAlertmanager(fleet: FleetConfig): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Alertmanager",
    metadata: {
      name: ALERTMANAGER_NAME,
      namespace: fleet.monitoring.namespace,
      labels: fleetLabels("alerting"),
    },
    spec: {
      // Three replicas gossip notifications so a lost pod never loses a page.
      replicas: fleet.environment === "prod" ? 3 : 1,
      configSecret: ALERTMANAGER_SECRET,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        fsGroup: 2000,
        seccompProfile: { type: "RuntimeDefault" },
      },
    },
  };
}

export function buildAlertingObjects(fleet: FleetConfig, config: AlertmanagerConfig): KubeObject[] {
  const secret = buildAlertmanagerSecret(fleet, config);
  return fleet.monitoring.installPrometheus ? [secret, buildAlertmanager(fleet)] : [secret];
}
