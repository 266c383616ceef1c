/**
 * A real Kubernetes control plane on 127.0.0.1 for the cluster tier: etcd, kube-apiserver (real
 * TLS, token auth, RBAC, OwnerReferencesPermissionEnforcement, an audit log), the controller
 * manager, the scheduler and kwok with fake nodes. Binaries come from the project's cached
 * toolchain build (scripts/toolchain/build.sh); every run gets a fresh data directory, and
 * `stop()` ends every process it started (apiserver first, then etcd, SIGKILL after a grace).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { get as httpsGet } from "node:https";
import { createServer } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { reapOnExit, removeOnExit } from "./reaper.ts";
import { toolchainPaths } from "./toolchain.ts";

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  dir: string;
  caFile: string;
  /** kubeconfig of a cluster-admin user (system:masters). */
  adminKubeconfig: string;
  auditLog: string;
  /** Writes a kubeconfig for a bearer token (e.g. a ServiceAccount's) and returns its path. */
  kubeconfigForToken(name: string, token: string, namespace?: string): string;
  kubectl(args: readonly string[], options?: { kubeconfig?: string; input?: string }): string;
  /**
   * Registers the custom and external metrics APIs (a prerequisite of the HPAs' custom metrics),
   * served by a stand-in for prometheus-adapter (metricsApiServer.ts) on this host's address.
   */
  installMetricsApi(): Promise<void>;
  stop(): Promise<void>;
}

interface Managed {
  name: string;
  child: ChildProcess;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A throwaway CA, the apiserver's serving certificate and the ServiceAccount signing key. */
function writeCertificates(dir: string): void {
  openssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt"].concat([
      "-days",
      "2",
      "-subj",
      "/CN=agent-fleet-cluster-tier-ca",
    ]),
    dir,
  );
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr"].concat([
      "-subj",
      "/CN=kube-apiserver",
    ]),
    dir,
  );
  const sans =
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc";
  writeFileSync(join(dir, "san.ext"), `${sans}\n`);
  openssl(
    ["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"].concat([
      "-out",
      "apiserver.crt",
      "-days",
      "2",
      "-extfile",
      "san.ext",
    ]),
    dir,
  );
  openssl(["genrsa", "-out", "sa.key", "2048"], dir);
  openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

/** Audit every request at Metadata level: who did what to which resource, and the status code. */
const AUDIT_POLICY = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [{ level: "Metadata" }],
};

function kubeconfig(
  server: string,
  caFile: string,
  user: string,
  token: string,
  namespace = "default",
): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "cluster-tier", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: "cluster-tier", context: { cluster: "cluster-tier", user, namespace } }],
    "current-context": "cluster-tier",
  });
}

export interface ControlPlaneOptions {
  /** Fake nodes kwok keeps Ready. @default 3 */
  nodes?: number;
  /** Where process logs go. @default <dir>/logs */
  logDir?: string;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bin = toolchainPaths();
  const dir = mkdtempSync(join(tmpdir(), "agent-fleet-cluster-"));
  removeOnExit(dir);
  const logDir = options.logDir ?? join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const processes: Managed[] = [];
  const start = (name: string, command: string, args: string[]): ChildProcess => {
    const log = createWriteStream(join(logDir, `${name}.log`));
    // Own process group: stop() can end a process and everything it forked.
    const child = spawn(command, args, { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    reapOnExit(child);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    processes.push({ name, child });
    return child;
  };
  const stop = async () => stopAll(processes, dir);
  try {
    writeCertificates(dir);
    const tokens = {
      admin: randomBytes(16).toString("hex"),
      controllerManager: randomBytes(16).toString("hex"),
      scheduler: randomBytes(16).toString("hex"),
    };
    writeFileSync(
      join(dir, "tokens.csv"),
      [
        `${tokens.admin},cluster-admin,uid-admin,"system:masters"`,
        `${tokens.controllerManager},system:kube-controller-manager,uid-kcm`,
        `${tokens.scheduler},system:kube-scheduler,uid-scheduler`,
      ].join("\n"),
    );
    writeFileSync(join(dir, "audit-policy.yaml"), stringify(AUDIT_POLICY));
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedulerPort] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    start("etcd", bin.etcd, [
      "--name=cluster-tier",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=cluster-tier=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    const caFile = join(dir, "ca.crt");
    const auditLog = join(dir, "audit.log");
    start("kube-apiserver", bin.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // With the loopback advertise address the default endpoint reconciler is fatal.
      "--endpoint-reconciler-type=none",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${join(dir, "apiserver.crt")}`,
      `--tls-private-key-file=${join(dir, "apiserver.key")}`,
      `--client-ca-file=${caFile}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      "--enable-admission-plugins=OwnerReferencesPermissionEnforcement",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      `--audit-policy-file=${join(dir, "audit-policy.yaml")}`,
      `--audit-log-path=${auditLog}`,
      "--audit-log-format=json",
      `--cert-dir=${join(dir, "certs")}`,
      "--shutdown-delay-duration=0s",
      // Aggregated APIs (the metrics API stand-in) are reached at their endpoints: no kube-proxy here.
      "--enable-aggregator-routing=true",
      "--shutdown-send-retry-after=false",
    ]);
    const adminKubeconfig = join(dir, "admin.kubeconfig");
    writeFileSync(adminKubeconfig, kubeconfig(server, caFile, "cluster-admin", tokens.admin));
    await waitFor("kube-apiserver /readyz", 90_000, () => readyz(server, caFile, tokens.admin));
    const kcmConfig = join(dir, "kcm.kubeconfig");
    writeFileSync(
      kcmConfig,
      kubeconfig(server, caFile, "system:kube-controller-manager", tokens.controllerManager),
    );
    start("kube-controller-manager", bin.kubeControllerManager, [
      `--kubeconfig=${kcmConfig}`,
      `--authentication-kubeconfig=${kcmConfig}`,
      `--authorization-kubeconfig=${kcmConfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${kcmPort}`,
      `--service-account-private-key-file=${join(dir, "sa.key")}`,
      `--root-ca-file=${caFile}`,
      "--use-service-account-credentials=true",
      "--leader-elect=false",
      "--service-cluster-ip-range=10.96.0.0/16",
      // The HPA controller re-reads scale and metrics every 5 s instead of 15 s.
      "--horizontal-pod-autoscaler-sync-period=5s",
    ]);
    const schedulerConfig = join(dir, "scheduler.kubeconfig");
    writeFileSync(schedulerConfig, kubeconfig(server, caFile, "system:kube-scheduler", tokens.scheduler));
    start("kube-scheduler", bin.kubeScheduler, [
      `--kubeconfig=${schedulerConfig}`,
      `--authentication-kubeconfig=${schedulerConfig}`,
      `--authorization-kubeconfig=${schedulerConfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${schedulerPort}`,
      "--leader-elect=false",
    ]);
    let metricsApi: Promise<void> | undefined;
    const plane: ControlPlane = {
      server,
      dir,
      caFile,
      adminKubeconfig,
      auditLog,
      kubeconfigForToken(name, token, namespace) {
        const path = join(dir, `${name}.kubeconfig`);
        writeFileSync(path, kubeconfig(server, caFile, name, token, namespace));
        return path;
      },
      kubectl(args, opts = {}) {
        return execFileSync(bin.kubectl, [`--kubeconfig=${opts.kubeconfig ?? adminKubeconfig}`, ...args], {
          encoding: "utf8",
          input: opts.input,
          stdio: ["pipe", "pipe", "pipe"],
          maxBuffer: 64 * 1024 * 1024,
        });
      },
      installMetricsApi: () => {
        metricsApi ??= installMetricsApi(plane, start, dir);
        return metricsApi;
      },
      stop,
    };
    writeFileSync(join(dir, "kwok-stages.yaml"), kwokStages(bin.kwokStages));
    start("kwok", bin.kwok, [
      `--kubeconfig=${adminKubeconfig}`,
      `--config=${join(dir, "kwok-stages.yaml")}`,
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--cidr=10.244.0.0/16",
      "--node-ip=127.0.0.1",
    ]);
    const nodeCount = options.nodes ?? 3;
    plane.kubectl(["apply", "--server-side", "-f", "-"], { input: fakeNodes(nodeCount) });
    await waitFor(`${nodeCount} kwok nodes Ready`, 60_000, async () => {
      const nodes = JSON.parse(plane.kubectl(["get", "nodes", "-o", "json"])) as {
        items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
      };
      return (
        nodes.items.filter((node) =>
          node.status?.conditions?.some(
            (condition) => condition.type === "Ready" && condition.status === "True",
          ),
        ).length === nodeCount
      );
    });
    // The default ServiceAccount must exist before pods can be created in a namespace.
    await waitFor("kube-controller-manager (default ServiceAccount)", 60_000, () => {
      try {
        plane.kubectl(["get", "serviceaccount", "default", "-n", "default"]);
        return true;
      } catch {
        return false;
      }
    });
    return plane;
  } catch (error) {
    const logs = processes.map(({ name }) => tail(join(logDir, `${name}.log`))).join("\n");
    await stop();
    throw new Error(`${(error as Error).message}\n--- control plane logs ---\n${logs}`);
  }
}

/** The first non-loopback IPv4 address: endpoints may not point at loopback. */
function hostAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const address = addresses?.find((candidate) => candidate.family === "IPv4" && !candidate.internal);
    if (address) return address.address;
  }
  throw new Error("the metrics API stand-in needs a non-loopback IPv4 address on this host (none found)");
}

async function installMetricsApi(
  plane: ControlPlane,
  start: (name: string, command: string, args: string[]) => ChildProcess,
  dir: string,
): Promise<void> {
  const address = hostAddress();
  const port = await freePort();
  const tsx = join(import.meta.dirname, "../../node_modules/.bin/tsx");
  const server = join(import.meta.dirname, "metricsApiServer.ts");
  start("metrics-api", tsx, [
    server,
    address,
    String(port),
    join(dir, "apiserver.crt"),
    join(dir, "apiserver.key"),
  ]);
  const namespace = "custom-metrics";
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "metrics-api", namespace },
      spec: { ports: [{ name: "https", port: 443, targetPort: port }] },
    },
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: "metrics-api", namespace, labels: { "kubernetes.io/service-name": "metrics-api" } },
      addressType: "IPv4",
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: "https", port, protocol: "TCP" }],
    },
    ...[
      ["v1beta1", "custom.metrics.k8s.io"],
      ["v1beta2", "custom.metrics.k8s.io"],
      ["v1beta1", "external.metrics.k8s.io"],
    ].map(([version, group]) => ({
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: `${version}.${group}` },
      spec: {
        group,
        version,
        service: { name: "metrics-api", namespace, port: 443 },
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: version === "v1beta2" ? 200 : 100,
      },
    })),
  ];
  plane.kubectl(["apply", "--server-side", "-f", "-"], {
    input: objects.map((object) => stringify(object)).join("---\n"),
  });
  plane.kubectl([
    "wait",
    "--for=condition=Available",
    "--timeout=60s",
    "apiservice",
    ...objects.slice(3).map((object) => object.metadata.name),
  ]);
}

/** kwok's shipped stages (node initialise/heartbeat, pod ready/complete/delete, volume provisioning). */
function kwokStages(stagesDir: string): string {
  const files = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat/node-heartbeat.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
    "volume/fast/pv-bind.yaml",
    "volume/fast/pv-delete.yaml",
    "volume/fast/pvc-provision.yaml",
    "volume/fast/pvc-delete.yaml",
  ];
  return files
    .map((file) =>
      readFileSync(join(stagesDir, file), "utf8")
        // The shipped volume stages serve one StorageClass; ours serve every class the tests create.
        .replaceAll("self.spec.storageClassName == 'kwok-volume'", "has(self.spec.storageClassName)"),
    )
    .concat(stringify(LOAD_BALANCER_STAGE))
    .join("\n---\n");
}

/**
 * The cluster's load-balancer provider (a prerequisite for external agents): a kwok Stage that
 * gives every LoadBalancer Service an ingress address, as a cloud controller would.
 */
const LOAD_BALANCER_STAGE = {
  apiVersion: "kwok.x-k8s.io/v1alpha1",
  kind: "Stage",
  metadata: { name: "service-load-balancer" },
  spec: {
    resourceRef: { apiGroup: "v1", kind: "Service" },
    selector: {
      matchExpressions: [
        { cel: { expression: "self.spec.type == 'LoadBalancer'" } },
        { cel: { expression: "!has(self.status.loadBalancer.ingress)" } },
      ],
    },
    steps: [
      {
        patch: {
          root: "status",
          subresource: "status",
          template: "loadBalancer:\n  ingress:\n  - ip: 127.0.0.1\n",
        },
      },
    ],
  },
};

function fakeNodes(count: number): string {
  return Array.from({ length: count }, (_, index) =>
    stringify({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: `kwok-node-${index}`,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
        labels: {
          "kubernetes.io/hostname": `kwok-node-${index}`,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "topology.kubernetes.io/zone": `zone-${index % 3}`,
          type: "kwok",
        },
      },
      status: {
        allocatable: {
          cpu: "64",
          memory: "256Gi",
          pods: "250",
          "nvidia.com/gpu": "4",
          "ephemeral-storage": "2Ti",
        },
        capacity: {
          cpu: "64",
          memory: "256Gi",
          pods: "250",
          "nvidia.com/gpu": "4",
          "ephemeral-storage": "2Ti",
        },
      },
    }),
  ).join("---\n");
}

function readyz(server: string, caFile: string, token: string): Promise<boolean> {
  return new Promise((resolveReady) => {
    const request = httpsGet(
      `${server}/readyz`,
      { ca: readFileSync(caFile), headers: { authorization: `Bearer ${token}` }, timeout: 2_000 },
      (response) => {
        response.resume();
        resolveReady(response.statusCode === 200);
      },
    );
    request.on("error", () => resolveReady(false));
    request.on("timeout", () => request.destroy());
  });
}

export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
}

function tail(path: string, lines = 15): string {
  if (!existsSync(path)) return "";
  const text = readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  return `[${path}]\n${text}`;
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, name);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/**
 * Stops clients first, then the apiserver, then etcd: an apiserver stopped together with its
 * etcd can hang for minutes. Whatever is left after a grace period gets SIGKILL.
 */
async function stopAll(processes: Managed[], dir: string): Promise<void> {
  const order = [
    "metrics-api",
    "kwok",
    "kube-scheduler",
    "kube-controller-manager",
    "kube-apiserver",
    "etcd",
  ];
  for (const name of order) {
    for (const { child } of processes.filter((managed) => managed.name === name)) {
      signal(child, "SIGTERM");
      if (!(await exited(child, name === "kube-apiserver" ? 10_000 : 5_000))) {
        signal(child, "SIGKILL");
        await exited(child, 5_000);
      }
    }
  }
  for (const { child } of processes) signal(child, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}

/** Documents of a multi-document YAML text (helper for tests applying files). */
export function yamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((document) => document.toJS());
}
