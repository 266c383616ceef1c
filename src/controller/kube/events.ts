/** core/v1 Events about an object, as the controller and the CLI both record them. */
import { randomBytes } from "node:crypto";
import type { KubeObject } from "./cluster.ts";

export interface EventSource {
  /** `source.component` and `reportingComponent`. */
  component: string;
  /** `reportingInstance`: which replica or user. */
  instance: string;
}

export function eventAbout(
  object: KubeObject,
  type: "Normal" | "Warning" | string,
  reason: string,
  message: string,
  source: EventSource,
  now = Date.now(),
): KubeObject {
  const time = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
  const namespace = object.metadata.namespace ?? "default";
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${object.metadata.name}.${now.toString(16)}${randomBytes(3).toString("hex")}`,
      namespace,
    },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
    },
    type,
    reason,
    // The API server caps an Event's message at 1 KiB.
    message: message.slice(0, 1024),
    count: 1,
    firstTimestamp: time,
    lastTimestamp: time,
    source: { component: source.component },
    reportingComponent: source.component,
    reportingInstance: source.instance,
  };
}
