/**
 * `Monitoring`: the fleet's PrometheusRules, PodMonitors, dashboard ConfigMaps and, when
 * `monitoring.installPrometheus` is set, a Prometheus of its own. A thin wrapper: the objects come
 * from `src/manifests/monitoring`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { KubeObject } from "../../manifests/types.ts";
import { registerObject } from "../kubeObject.ts";

export interface MonitoringArgs {
  /** The rendered monitoring objects (`RenderedFleet.monitoring`). */
  objects: KubeObject[];
  /**
   * Namespaces the objects live in but this component does not create: the agent clusters'
   * (PodMonitors) and the controller's. Every child waits for them. @default []
   */
  namespaces?: pulumi.Resource[];
}

export class Monitoring extends pulumi.ComponentResource {
  /** `namespace/name` of every PrometheusRule. */
  readonly ruleNames: pulumi.Output<string[]>;
  /** Names of the dashboard ConfigMaps the Grafana sidecar loads. */
  readonly dashboardConfigMaps: pulumi.Output<string[]>;
  /** The monitoring Namespace when this component creates it (own Prometheus), for `dependsOn`. */
  readonly namespaceResource: pulumi.CustomResource | undefined;
  readonly children: pulumi.CustomResource[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agent-fleet:index:Monitoring", name, {}, opts);
    const { namespace, children } = createMonitoringResources(args.objects, args.namespaces ?? [], this);
    this.namespaceResource = namespace;
    this.children = children;
    const names = (kind: string) =>
      args.objects
        .filter((object) => object.kind === kind)
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    this.ruleNames = pulumi.output(names("PrometheusRule"));
    this.dashboardConfigMaps = pulumi.output(names("ConfigMap"));
    this.registerOutputs({ ruleNames: this.ruleNames, dashboardConfigMaps: this.dashboardConfigMaps });
  }
}

/** A Namespace among the objects (own Prometheus) is created first; everything else waits for it. */
export function createMonitoringResources(
  objects: KubeObject[],
  external: pulumi.Resource[],
  parent: pulumi.Resource,
): { namespace: pulumi.CustomResource | undefined; children: pulumi.CustomResource[] } {
  const namespaceObject = objects.find((object) => object.kind === "Namespace");
  const namespace = namespaceObject ? registerObject(namespaceObject, { parent }) : undefined;
  const dependsOn = namespace ? [...external, namespace] : external;
  const rest = objects
    .filter((object) => object !== namespaceObject)
    .map((object) => registerObject(object, { parent, dependsOn }));
  return { namespace, children: namespace ? [namespace, ...rest] : rest };
}
