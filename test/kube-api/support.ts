/** Raw HTTP helpers against the sandbox Kubernetes API. */
export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<HttpAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export const ROLLOUTS = "/apis/agentfleet.dev/v1alpha1/namespaces/dp/agentrollouts";
export const DEPLOYMENTS = "/apis/apps/v1/namespaces/dp/deployments";

export function rollout(name: string, labels: Record<string, string> = {}) {
  return {
    apiVersion: "agentfleet.dev/v1alpha1",
    kind: "AgentRollout",
    metadata: { name, labels },
    spec: { agent: name, minReplicas: 1 },
  };
}

export function meta(answer: HttpAnswer): { resourceVersion: string; generation: number; uid: string } {
  return answer.body.metadata as { resourceVersion: string; generation: number; uid: string };
}
