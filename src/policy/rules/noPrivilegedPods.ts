/** No privileged containers, host namespaces, hostPath volumes or host ports. */
import { asArray, containersOf, podTemplateOf, type VolumeView } from "../objects.ts";
import { resourcePolicy } from "../types.ts";

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const noPrivilegedPods = resourcePolicy({
  name: "no-privileged-pods",
  description:
    "Pods must not run privileged containers, share the node's network/PID/IPC namespaces, mount hostPath " +
    "volumes or bind host ports. Fix: remove `privileged`, `hostNetwork`/`hostPID`/`hostIPC` and `hostPort`, " +
    "and use an ephemeral volume or a PersistentVolumeClaim instead of hostPath.",
  scope: "resource",
  settings: {},
  check(object) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) return [];
    const messages = HOST_NAMESPACES.filter((key) => spec[key] === true).map(
      (key) =>
        `pod shares a host namespace (${key}: true): remove ${key}; agents reach peers through Services`,
    );
    for (const volume of asArray<VolumeView>(spec.volumes)) {
      if (volume.hostPath) {
        messages.push(
          `volume "${volume.name}" mounts hostPath ${volume.hostPath.path ?? ""}: use an ephemeral volume or a PVC`,
        );
      }
    }
    for (const { container, label } of containersOf(spec)) {
      if (container.securityContext?.privileged === true) {
        messages.push(`${label} runs privileged: remove securityContext.privileged`);
      }
      for (const port of asArray<{ hostPort?: number }>(container.ports)) {
        if (port.hostPort !== undefined) {
          messages.push(
            `${label} binds hostPort ${port.hostPort}: expose the port through a Service instead`,
          );
        }
      }
    }
    return messages;
  },
});
