/**
 * The last check over a rendered object set: one object per identity, and nothing over the limits
 * the API server enforces. Each problem names the object, the field, the value, the limit and a fix.
 */
import { describe, expect, it } from "vitest";
import {
  assertObjectSet,
  ObjectInvariantError,
  objectSetProblems,
} from "../../src/manifests/invariants/index.ts";
import type { KubeObject } from "../../src/manifests/types.ts";

const MiB = 1024 * 1024;

function object(kind: string, name: string, extra: Partial<KubeObject> = {}, apiVersion = "v1"): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace: "data-processing" }, ...extra };
}

function configMap(name: string, data: Record<string, string>, binaryData?: Record<string, string>) {
  return object("ConfigMap", name, { data, ...(binaryData ? { binaryData } : {}) });
}

function withLabels(labels: Record<string, string>): KubeObject {
  return { ...object("ConfigMap", "labelled"), metadata: { name: "labelled", namespace: "ns", labels } };
}

const messages = (objects: KubeObject[], originOf?: (object: KubeObject) => string | undefined) =>
  objectSetProblems(objects, originOf).map(({ message }) => message);

describe("one object per apiVersion group, kind, namespace and name", () => {
  const origins = new Map<KubeObject, string>();
  const first = object("Service", "ingest-preview");
  const second = object("Service", "ingest-preview");
  origins.set(first, "agents[0] (ingest)");
  origins.set(second, "agents[1] (ingest-preview)");

  it("names both objects and the config that produced each", () => {
    const problems = objectSetProblems([first, second], (candidate) => origins.get(candidate));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.object).toBe(second);
    expect(problems[0]?.message).toBe(
      "Service data-processing/ingest-preview is rendered twice: from agents[0] (ingest) and from agents[1] (ingest-preview); " +
        "the API server keeps one object per name, so one would silently overwrite the other. " +
        "Fix: rename one of them (agent ids and cluster names are part of every derived name)",
    );
  });

  it("compares the API group, not the version; other kinds, groups and namespaces do not collide", () => {
    const v1 = object("HorizontalPodAutoscaler", "x", {}, "autoscaling/v2");
    const v2 = object("HorizontalPodAutoscaler", "x", {}, "autoscaling/v1");
    expect(messages([v1, v2])).toHaveLength(1);
    expect(messages([v1, v2])[0]).toMatch(
      /^HorizontalPodAutoscaler\.autoscaling data-processing\/x is rendered twice/,
    );
    const elsewhere = { ...object("Service", "x"), metadata: { name: "x", namespace: "other" } };
    const otherGroup = object("Service", "x", {}, "serving.knative.dev/v1");
    expect(messages([object("Service", "x"), object("ConfigMap", "x"), elsewhere, otherGroup])).toEqual([]);
  });

  it("ignores the namespace of cluster-scoped kinds", () => {
    const plain: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } };
    const namespaced = object("Namespace", "team");
    expect(messages([plain, namespaced])).toHaveLength(1);
  });

  it("reports three copies as two problems, each naming the first", () => {
    const copies = [object("ConfigMap", "x"), object("ConfigMap", "x"), object("ConfigMap", "x")];
    expect(messages(copies)).toHaveLength(2);
  });
});

describe("ConfigMap and Secret data against the 1 MiB the API server allows", () => {
  it("counts data values as UTF-8 bytes and binaryData as decoded bytes, keys not at all", () => {
    expect(messages([configMap("exact", { k: "a".repeat(MiB) })])).toEqual([]);
    expect(messages([configMap("mixed", { k: "a".repeat(MiB - 3) }, { b: "AAAA" })])).toEqual([]);
    const over = messages([configMap("dashboards", { "a.json": "é".repeat(MiB / 2), "b.json": "x" })]);
    expect(over).toEqual([
      "ConfigMap data-processing/dashboards: data + binaryData hold 1048577 bytes (largest: a.json 1048576, b.json 1), " +
        "over the API server's limit of 1048576 bytes (1 MiB) per object. " +
        "Fix: make the data smaller or split it across several objects",
    ]);
  });

  it("counts a Secret's stringData over its data, as the API server merges them", () => {
    const secret = object("Secret", "alertmanager", {
      data: { "alertmanager.yaml": Buffer.from("old").toString("base64"), extra: "AAAA" },
      stringData: { "alertmanager.yaml": "b".repeat(MiB - 3) },
    });
    expect(messages([secret])).toEqual([]);
    const over = object("Secret", "alertmanager", {
      data: { extra: "AAAA" },
      stringData: { "alertmanager.yaml": "b".repeat(MiB - 2) },
    });
    expect(messages([over])[0]).toMatch(
      /^Secret data-processing\/alertmanager: data \+ stringData hold 1048577 bytes .* over the API server's limit of 1048576 bytes \(1 MiB\)/,
    );
  });
});

describe("labels", () => {
  it("accepts the label-value syntax up to 63 characters, and empty values", () => {
    expect(messages([withLabels({ version: "1.4.2", empty: "", "a.b/c_d": "x".repeat(63) })])).toEqual([]);
  });

  it("rejects long values and values not starting and ending alphanumeric, truncating the value", () => {
    const long = "v".repeat(100);
    expect(messages([withLabels({ version: long, track: "_blue" })])).toEqual([
      `ConfigMap ns/labelled: metadata.labels["version"] is "${"v".repeat(40)}…" (100 characters), over the 63 a label value may have. ` +
        "Fix: shorten the config value the label is taken from",
      'ConfigMap ns/labelled: metadata.labels["track"] is "_blue", not a label value ' +
        "(letters, digits, '-', '_' and '.', starting and ending with a letter or digit). " +
        "Fix: change the config value the label is taken from",
    ]);
  });

  it("checks both parts of a key: the name up to 63, the prefix a DNS subdomain up to 253", () => {
    const longName = `agentfleet.dev/${"n".repeat(64)}`;
    const longPrefix = `${"p".repeat(254)}/name`;
    const [name, prefix, syntax] = messages([
      withLabels({ [longName]: "x", [longPrefix]: "x", "bad key": "x" }),
    ]);
    expect(name).toContain("name part is 64 characters, over 63");
    expect(prefix).toContain("prefix is 254 characters, over 253");
    expect(syntax).toContain('metadata.labels key "bad key" is not a label key');
  });

  it("checks the pod template's labels too, which the API server validates with the workload", () => {
    const deployment = object(
      "Deployment",
      "ingest",
      { spec: { template: { metadata: { labels: { version: "-rc1" } } } } },
      "apps/v1",
    );
    expect(messages([deployment])[0]).toMatch(
      /^Deployment data-processing\/ingest: spec\.template\.metadata\.labels\["version"\] is "-rc1", not a label value/,
    );
  });
});

describe("metadata.name", () => {
  it("Services and Namespaces are DNS labels of at most 63 characters", () => {
    const service = object("Service", `a${"b".repeat(63)}`);
    expect(messages([service])).toEqual([
      `Service data-processing/${service.metadata.name}: metadata.name is "${`a${"b".repeat(39)}`}…" (64 characters), ` +
        "over the 63 of a Service name (a DNS-1035 label). Fix: shorten the agent id or cluster name it is derived from",
    ]);
    expect(messages([object("Service", "9lives")])[0]).toContain("not a DNS-1035 label");
    const namespace: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "Team" } };
    expect(messages([namespace])[0]).toContain("not a DNS-1123 label");
  });

  it("most kinds are DNS subdomains of at most 253 characters", () => {
    expect(messages([object("ConfigMap", "c".repeat(253))])).toEqual([]);
    expect(messages([object("ConfigMap", "c".repeat(254))])[0]).toContain(
      "(254 characters), over the 253 of a DNS-1123 subdomain",
    );
    expect(messages([object("ConfigMap", "Upper")])[0]).toContain("not a DNS-1123 subdomain");
  });

  it("RBAC names are path segments: anything but '/', '%', '.' and '..'", () => {
    const role = (name: string) => object("Role", name, {}, "rbac.authorization.k8s.io/v1");
    expect(messages([role("system:agent-fleet:Admin")])).toEqual([]);
    expect(messages([role("a/b")])[0]).toContain("not a valid RBAC name");
  });
});

describe("annotations", () => {
  it("keys and values together at most 256 KiB", () => {
    const annotated = (size: number): KubeObject => ({
      ...object("ConfigMap", "annotated"),
      metadata: { name: "annotated", namespace: "ns", annotations: { a: "x".repeat(size - 1) } },
    });
    expect(messages([annotated(256 * 1024)])).toEqual([]);
    expect(messages([annotated(256 * 1024 + 1)])).toEqual([
      "ConfigMap ns/annotated: metadata.annotations hold 262145 bytes (keys and values; largest: a), over the API server's " +
        "limit of 262144 bytes (256 KiB). Fix: move large values into a ConfigMap or drop them",
    ]);
  });
});

describe("assertObjectSet", () => {
  it("throws every problem at once, each with the config that produced the object", () => {
    const objects = [object("Service", "x".repeat(70)), configMap("big", { k: "a".repeat(MiB + 1) })];
    const origin = (candidate: KubeObject) => (candidate.kind === "Service" ? "agents[0] (x)" : "monitoring");
    let error: unknown;
    try {
      assertObjectSet(objects, origin);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ObjectInvariantError);
    const { message, problems } = error as ObjectInvariantError;
    expect(problems).toHaveLength(2);
    expect(message).toMatch(
      /^The render produced objects the API server would reject \(2 problems\); nothing was written or registered:\n/,
    );
    expect(message).toContain("\n  - Service data-processing/xxx");
    expect(message).toContain("(from agents[0] (x))");
    expect(message).toContain("(from monitoring)");
  });

  it("passes a clean set", () => {
    expect(() =>
      assertObjectSet([object("Service", "ingest"), configMap("ingest-config", { a: "1" })]),
    ).not.toThrow();
  });
});
