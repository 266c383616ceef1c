/**
 * Pod security policies, each passing on a compliant workload and failing on exactly the field it
 * is about, run through the validateResource functions the pack registers.
 */
import { describe, expect, it } from "vitest";
import { agentRollout, container, containerOf, deployment, podSpecOf, service } from "./support/objects.ts";
import { testContext, validateResources } from "./support/pack.ts";

describe("no-privileged-pods", () => {
  it("passes compliant workloads and ignores objects without pods", async () => {
    expect(await validateResources("no-privileged-pods", [deployment(), agentRollout(), service()])).toEqual(
      [],
    );
  });

  it("fails privileged containers, host namespaces, hostPath volumes and host ports", async () => {
    const workload = deployment();
    const spec = podSpecOf(workload) as Record<string, unknown> & ReturnType<typeof podSpecOf>;
    spec.hostNetwork = true;
    spec.hostPID = true;
    spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } } as never);
    containerOf(workload).securityContext = {
      ...containerOf(workload).securityContext,
      privileged: true,
    } as never;
    containerOf(workload).ports.push({ name: "debug", containerPort: 9000, hostPort: 9000 } as never);
    expect(await validateResources("no-privileged-pods", [workload])).toEqual([
      "pod shares a host namespace (hostNetwork: true): remove hostNetwork; agents reach peers through Services",
      "pod shares a host namespace (hostPID: true): remove hostPID; agents reach peers through Services",
      'volume "docker" mounts hostPath /var/run/docker.sock: use an ephemeral volume or a PVC',
      'container "agent" runs privileged: remove securityContext.privileged',
      'container "agent" binds hostPort 9000: expose the port through a Service instead',
    ]);
  });
});

describe("restricted-security-context", () => {
  it("passes the restricted profile, with runAsNonRoot and seccomp set only on the pod", async () => {
    const workload = deployment();
    const { runAsNonRoot: _root, seccompProfile: _seccomp, ...rest } = containerOf(workload).securityContext;
    containerOf(workload).securityContext = rest as never;
    expect(await validateResources("restricted-security-context", [workload, agentRollout()])).toEqual([]);
  });

  it("fails root, writable root filesystems, kept capabilities, escalation and missing seccomp", async () => {
    const workload = deployment();
    podSpecOf(workload).securityContext = {} as never;
    containerOf(workload).securityContext = {
      runAsUser: 0,
      readOnlyRootFilesystem: false,
      capabilities: { add: ["SYS_ADMIN"] },
    } as never;
    expect(await validateResources("restricted-security-context", [workload])).toEqual([
      'container "agent" must run as non-root (set securityContext.runAsNonRoot: true and a non-zero runAsUser)',
      'container "agent" must have a read-only root filesystem (readOnlyRootFilesystem: true; write to mounted volumes)',
      'container "agent" must drop all capabilities (capabilities.drop: ["ALL"])',
      'container "agent" adds capabilities SYS_ADMIN: remove them',
      'container "agent" must not allow privilege escalation (allowPrivilegeEscalation: false)',
      'container "agent" must use a RuntimeDefault seccomp profile (seccompProfile.type, got none)',
    ]);
  });

  it("checks init containers too, and the accepted seccomp profiles are tunable", async () => {
    const workload = deployment();
    const init = container({ name: "migrate" });
    init.securityContext = { ...init.securityContext, seccompProfile: { type: "Localhost" } };
    (podSpecOf(workload) as Record<string, unknown>).initContainers = [init];
    expect(await validateResources("restricted-security-context", [workload])).toEqual([
      'init container "migrate" must use a RuntimeDefault seccomp profile (seccompProfile.type, got Localhost)',
    ]);
    const config = { allowedSeccompProfiles: ["RuntimeDefault", "Localhost"] };
    expect(await validateResources("restricted-security-context", [workload], testContext(), config)).toEqual(
      [],
    );
  });
});

describe("resource-requests-limits", () => {
  it("passes containers with requests at or below limits", async () => {
    expect(await validateResources("resource-requests-limits", [deployment(), agentRollout()])).toEqual([]);
  });

  it("fails missing requests or limits and requests above limits (volume claims included)", async () => {
    const workload = deployment();
    containerOf(workload).resources = {
      requests: { cpu: "1500m" },
      limits: { cpu: "1", memory: "2Gi" },
    } as never;
    const volume = podSpecOf(workload).volumes[0] as {
      ephemeral: { volumeClaimTemplate: { spec: unknown } };
    };
    volume.ephemeral.volumeClaimTemplate.spec = {
      resources: { requests: { storage: "30Gi" }, limits: { storage: "20Gi" } },
    };
    expect(await validateResources("resource-requests-limits", [workload])).toEqual([
      'container "agent" has no memory request: set one',
      'container "agent" requests cpu 1500m, above its limit 1: lower the request or raise the limit',
      'volume "data" requests storage 30Gi, above its limit 20Gi: lower the request or raise the limit',
    ]);
  });

  it("compares quantities by value, not by text", async () => {
    const workload = deployment();
    containerOf(workload).resources = {
      requests: { cpu: "0.5", memory: "1Gi" },
      limits: { cpu: "500m", memory: "1024Mi" },
    } as never;
    expect(await validateResources("resource-requests-limits", [workload])).toEqual([]);
  });
});

describe("health-probes", () => {
  it("passes containers with liveness and readiness probes", async () => {
    expect(await validateResources("health-probes", [deployment()])).toEqual([]);
  });

  it("fails a container without probes, or with a probe that has no handler", async () => {
    const workload = deployment();
    containerOf(workload).livenessProbe = { initialDelaySeconds: 30 } as never;
    delete (containerOf(workload) as Partial<ReturnType<typeof container>>).readinessProbe;
    expect(await validateResources("health-probes", [workload])).toEqual([
      'container "agent" has no liveness probe: add livenessProbe',
      'container "agent" has no readiness probe: add readinessProbe',
    ]);
  });
});

describe("image-pinned", () => {
  const withImage = (image: string, environment = "prod") => {
    const workload = deployment("ingest", { environment });
    containerOf(workload).image = image;
    return workload;
  };

  it("passes digests everywhere and release tags outside prod", async () => {
    expect(
      await validateResources("image-pinned", [
        deployment(),
        withImage("registry:5000/team/agent:1.4.2", "dev"),
      ]),
    ).toEqual([]);
  });

  it("fails latest and untagged images, and tags where a digest is required", async () => {
    const messages = await validateResources("image-pinned", [
      withImage("ghcr.io/agent-fleet/ingest-agent:latest", "dev"),
      withImage("registry:5000/agent", "dev"),
      withImage("ghcr.io/agent-fleet/ingest-agent:1.4.2", "prod"),
    ]);
    expect(messages).toEqual([
      'container "agent" image ghcr.io/agent-fleet/ingest-agent:latest uses the mutable tag "latest": pin a release tag or digest',
      'container "agent" image registry:5000/agent has no tag (means latest): pin a release tag',
      'container "agent" image ghcr.io/agent-fleet/ingest-agent:1.4.2 is not pinned by digest, required in prod: use image@sha256:<digest>',
    ]);
  });

  it("reads the environment from the object, so a dev agent in a prod stack needs no digest", async () => {
    const context = testContext({ environment: "prod" });
    expect(await validateResources("image-pinned", [withImage("ghcr.io/a/b:1.0.0", "dev")], context)).toEqual(
      [],
    );
    const strict = { requireDigestIn: ["dev", "prod"] };
    expect(
      await validateResources("image-pinned", [withImage("ghcr.io/a/b:1.0.0", "dev")], context, strict),
    ).toHaveLength(1);
  });
});
