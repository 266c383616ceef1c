/** Agent ids are unique across the fleet, and no pod or Service declares a port twice. */

import type { KubeObject } from "../../manifests/types.ts";
import { objectKey } from "../../manifests/types.ts";
import {
  agentWorkloads,
  asArray,
  type ContainerPort,
  containersOf,
  field,
  podTemplateOf,
} from "../objects.ts";
import { type StackViolation, stackPolicy } from "../types.ts";

interface Port {
  name?: string;
  number?: number;
  protocol: string;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

function portsOf(object: KubeObject): Port[] | undefined {
  if (object.kind === "Service") {
    return asArray<{ name?: string; port?: number; protocol?: string }>(field(object.spec, "ports")).map(
      (port) => ({
        name: port.name,
        number: port.port,
        protocol: port.protocol ?? "TCP",
      }),
    );
  }
  const spec = podTemplateOf(object)?.spec;
  if (!spec) return undefined;
  return containersOf(spec)
    .filter(({ init }) => !init)
    .flatMap(({ container }) => asArray<ContainerPort>(container.ports))
    .map((port) => ({ name: port.name, number: port.containerPort, protocol: port.protocol ?? "TCP" }));
}

function portProblems(object: KubeObject): StackViolation[] {
  const ports = portsOf(object);
  if (!ports) return [];
  const numbers = duplicates(
    ports.filter((port) => port.number !== undefined).map((p) => `${p.number}/${p.protocol}`),
  );
  const names = duplicates(ports.flatMap((port) => (port.name ? [port.name] : [])));
  return [
    ...numbers.map((port) => ({
      object,
      message: `port ${port} is declared twice: give every port its own number`,
    })),
    ...names.map((name) => ({
      object,
      message: `port name "${name}" is used twice: port names must be unique`,
    })),
  ];
}

export const uniqueIdsAndPorts = stackPolicy({
  name: "unique-ids-and-ports",
  description:
    "Agent ids are unique across the fleet (alerts, dashboards and the rollout controller key on them), and " +
    "no pod or Service declares the same port number or port name twice. Fix: rename the duplicate agent, " +
    "or remove the repeated port.",
  scope: "stack",
  settings: {},
  check(objects) {
    const firstById = new Map<string, KubeObject>();
    const idProblems: StackViolation[] = [];
    for (const agent of agentWorkloads(objects)) {
      const first = firstById.get(agent.id);
      if (!first) {
        firstById.set(agent.id, agent.workload);
        continue;
      }
      idProblems.push({
        object: agent.workload,
        message: `agent id "${agent.id}" is already used by ${objectKey(first)}: agent ids must be unique`,
      });
    }
    return [...idProblems, ...objects.flatMap(portProblems)];
  },
});
