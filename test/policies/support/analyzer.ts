/**
 * The policy pack exactly as `pulumi preview --policy-pack policies` runs it: Pulumi's own policy
 * runner (`@pulumi/pulumi/cmd/run-policy-pack`, which loads policies/index.ts through ts-node) with
 * the stack config in `PULUMI_CONFIG`, driven over the analyzer gRPC protocol the engine speaks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { engineConfigOf, runStackUnderMocks } from "../../../harness/pulumiStack.ts";
import { PROJECT_DIR } from "../../../harness/renderCli.ts";
import type { EnforcementLevel } from "../../../src/config/index.ts";
import { type KubeObject, objectKey } from "../../../src/manifests/types.ts";
import { kubeObjectFromResource } from "../../../src/policy/pack.ts";
import { injectViolations } from "./inject.ts";
import { typeToken, urnOf } from "./pack.ts";

// Pulumi's own generated gRPC stubs and its copies of grpc-js and google-protobuf.
const pulumiRequire = createRequire(join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "package.json"));
// Generated protobuf/gRPC code has no type declarations.
// biome-ignore lint/suspicious/noExplicitAny: untyped generated gRPC code
type Untyped = any;
const grpc = pulumiRequire("@grpc/grpc-js") as Untyped;
const analyzerProto = pulumiRequire("./proto/analyzer_pb.js") as Untyped;
const analyzerGrpc = pulumiRequire("./proto/analyzer_grpc_pb.js") as Untyped;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb.js") as Untyped;
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb.js") as Untyped;

const LEVELS: Record<number, EnforcementLevel | "remediate"> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};

export interface EngineResource {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

export interface Diagnostic {
  policy: string;
  message: string;
  urn: string;
  enforcement: string;
}

export interface PolicyInfo {
  name: string;
  enforcement: string;
  description: string;
  configSchema: Record<string, unknown>;
}

export interface RunningPack {
  info(): Promise<{ name: string; policies: PolicyInfo[] }>;
  analyze(resource: EngineResource): Promise<Diagnostic[]>;
  analyzeStack(resources: EngineResource[]): Promise<Diagnostic[]>;
  stop(): void;
}

function resourceMessage(target: Untyped, resource: EngineResource) {
  target.setType(resource.type);
  target.setUrn(resource.urn);
  target.setName(resource.name);
  target.setProperties(Struct.fromJavaScript(resource.props));
  target.setOptions(new analyzerProto.AnalyzerResourceOptions());
  return target;
}

/** The engine shows `description\nmessage`; the message alone is what the policy reported. */
function diagnosticsOf(response: Untyped): Diagnostic[] {
  return response.getDiagnosticsList().map((diagnostic: Untyped) => {
    const description: string = diagnostic.getDescription();
    const message: string = diagnostic.getMessage();
    return {
      policy: diagnostic.getPolicyname(),
      message: message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
      urn: diagnostic.getUrn(),
      enforcement: LEVELS[diagnostic.getEnforcementlevel()] ?? "unknown",
    };
  });
}

function call<T>(
  client: Untyped,
  method: string,
  request: Untyped,
  map: (response: Untyped) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (error: Error | null, response: Untyped) =>
      error ? reject(error) : resolve(map(response)),
    );
  });
}

/** Waits for the pack to print its port (as it does for the engine), then connects. */
function portOf(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("exit", (code) =>
      reject(new Error(`policy pack exited (${code}) before serving:\n${stderr()}`)),
    );
  });
}

export async function startPolicyPack(stack: string, stackFile: string): Promise<RunningPack> {
  const { config } = engineConfigOf(stackFile);
  const runner = join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack", "index.js");
  const packDir = join(PROJECT_DIR, "policies");
  const child = spawn(process.execPath, [runner, "127.0.0.1:0", packDir], {
    cwd: packDir,
    env: {
      ...process.env,
      PATH: `${join(PROJECT_DIR, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_NODEJS_STACK: stack,
      PULUMI_NODEJS_PROJECT: "agent-fleet",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await portOf(child, () => stderr);
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    info: () =>
      call(client, "getAnalyzerInfo", new Empty(), (response) => ({
        name: response.getName(),
        policies: response.getPoliciesList().map((policy: Untyped) => ({
          name: policy.getName(),
          enforcement: LEVELS[policy.getEnforcementlevel()] ?? "unknown",
          description: policy.getDescription(),
          configSchema: policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {},
        })),
      })),
    // A resource policy's diagnostics carry no URN: the engine attributes them to the analyzed resource.
    analyze: (resource) =>
      call(client, "analyze", resourceMessage(new analyzerProto.AnalyzeRequest(), resource), (response) =>
        diagnosticsOf(response).map((diagnostic) => ({ ...diagnostic, urn: diagnostic.urn || resource.urn })),
      ),
    analyzeStack: (resources) => {
      const request = new analyzerProto.AnalyzeStackRequest();
      request.setResourcesList(
        resources.map((resource) => resourceMessage(new analyzerProto.AnalyzerResource(), resource)),
      );
      return call(client, "analyzeStack", request, diagnosticsOf);
    },
    stop: () => {
      client.close();
      child.kill();
    },
  };
}

/** The program's Kubernetes resources (under mocks), optionally with violations injected into their inputs. */
export async function programResources(
  stack: string,
  stackFile: string,
  injections?: string,
): Promise<{ resources: EngineResource[]; objects: KubeObject[] }> {
  const { resources: registered } = await runStackUnderMocks(stack, stackFile);
  const byKey = new Map<string, { type: string; urn: string; name: string }>();
  const rendered: KubeObject[] = [];
  for (const resource of registered) {
    const object = kubeObjectFromResource(resource.type, resource.inputs);
    if (!object) continue;
    byKey.set(objectKey(object), resource);
    rendered.push(object);
  }
  const injected = injections ? injectViolations(rendered, injections) : rendered;
  const engine = injected.map((object) => {
    const registeredAs = byKey.get(objectKey(object));
    return {
      type: registeredAs?.type ?? typeToken(object),
      urn: registeredAs?.urn ?? urnOf(object),
      name: registeredAs?.name ?? object.metadata.name,
      props: object as Record<string, unknown>,
    };
  });
  return { resources: engine, objects: injected };
}
