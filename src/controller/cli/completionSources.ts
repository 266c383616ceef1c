/**
 * Completion's candidates from the user's cluster and kubeconfig: AgentRollouts in the namespace
 * the typed flags (or the kubeconfig context) select, and the kubeconfig's contexts. A shell waits
 * on these, so reads are short and any failure offers nothing instead of an error.
 */
import { ClientNodeCluster, contextNamespace, loadKubeConfig } from "../kube/clientNodeCluster.ts";
import { KINDS } from "../kube/cluster.ts";
import type { CompletionSources, CompletionTarget } from "./completion.ts";
import { DEFAULT_NAMESPACE } from "./options.ts";

const COMPLETION_TIMEOUT_MS = 3_000;

export function clusterCompletionSources(env: Record<string, string | undefined>): CompletionSources {
  return {
    async agents(target: CompletionTarget) {
      try {
        const server = target.server ?? env.AGENTFLEET_KUBE_SERVER;
        const kubeConfig = loadKubeConfig(server, target);
        // As the commands do: a context's namespace only when the kubeconfig is in use.
        const fromContext = server ? undefined : contextNamespace(kubeConfig);
        const namespace = target.namespace ?? env.AGENTFLEET_NAMESPACE ?? fromContext ?? DEFAULT_NAMESPACE;
        const cluster = new ClientNodeCluster(kubeConfig, {
          requestTimeoutMs: COMPLETION_TIMEOUT_MS,
          userAgent: "agent-fleet-rollout-cli",
        });
        const { items } = await cluster.list(KINDS.agentRollout, { namespace });
        return items
          .map((item) => (item.spec as { agent?: string } | undefined)?.agent ?? item.metadata.name)
          .sort();
      } catch {
        return [];
      }
    },
    contexts(target: CompletionTarget) {
      try {
        const kubeConfig = loadKubeConfig(
          undefined,
          target.kubeconfig ? { kubeconfig: target.kubeconfig } : {},
        );
        return kubeConfig.getContexts().map((context) => context.name);
      } catch {
        return [];
      }
    },
  };
}
