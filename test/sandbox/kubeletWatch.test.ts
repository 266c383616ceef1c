/** The sandbox kubelet keeps watching Deployments after the API server ends a watch (as it does after timeoutSeconds). */
import { describe, expect, it } from "vitest";
import type { Cluster, KubeObject, WatchHandle } from "../../src/controller/kube/cluster.ts";
import type { ProcessSupervisor } from "../../src/sandbox/infra/processes.ts";
import type { PrometheusServer } from "../../src/sandbox/infra/prometheus.ts";
import { SandboxKubelet } from "../../src/sandbox/kubelet/kubelet.ts";

function deployment(name: string): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { namespace: "ns", name, generation: 1 },
    spec: { replicas: 0, template: { metadata: { labels: { agent: name } }, spec: { containers: [] } } },
  } as KubeObject;
}

/** A cluster whose list answers `items`, whose watches end when told, and which records status writes. */
function fakeCluster() {
  const state = {
    items: [] as KubeObject[],
    watches: [] as Array<(error: Error | undefined) => void>,
    statusWrites: [] as string[],
  };
  const cluster = {
    list: async () => ({ items: state.items, resourceVersion: String(state.watches.length + 1) }),
    watch: async (): Promise<WatchHandle> => {
      let end: (error: Error | undefined) => void = () => {};
      const closed = new Promise<Error | undefined>((resolve) => {
        end = resolve;
      });
      state.watches.push(end);
      return { stop: () => end(undefined), closed };
    },
    patchStatus: async (_kind: unknown, key: { name: string }) => {
      state.statusWrites.push(key.name);
      return deployment(key.name);
    },
  } as unknown as Cluster;
  return { cluster, state };
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 200) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("SandboxKubelet watch", () => {
  it("lists and watches again when a watch ends, and picks up what changed in between", async () => {
    const { cluster, state } = fakeCluster();
    const kubelet = new SandboxKubelet({
      cluster,
      supervisor: {} as ProcessSupervisor,
      prometheus: { setTargets: async () => undefined } as unknown as PrometheusServer,
      namespaces: ["ns"],
    });
    await kubelet.start();
    expect(state.watches).toHaveLength(1);
    state.items = [deployment("created-while-not-watching")];
    state.watches[0]?.(undefined);
    await until(() => state.statusWrites.includes("created-while-not-watching"));
    expect(state.watches).toHaveLength(2);
    await kubelet.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(state.watches).toHaveLength(2);
  });
});
