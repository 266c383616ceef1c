/**
 * The offline render through its real CLI, for the real stacks: valid multi-document YAML, every
 * document a named Kubernetes object, chatter on stderr only, and byte-identical output on re-runs.
 * Deliberately generic over kinds: builders keep adding object kinds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type CliRun, PROJECT_DIR, readTree, runRenderCli } from "../../harness/renderCli.ts";
import { loadStack } from "../../src/config/index.ts";

interface RenderedDocument {
  file: string;
  index: number;
  value: unknown;
}

interface NamedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

function documentsOf(tree: Map<string, string>): { documents: RenderedDocument[]; errors: string[] } {
  const documents: RenderedDocument[] = [];
  const errors: string[] = [];
  for (const [file, content] of tree) {
    if (!/^(manifests|crds)\//.test(file)) continue;
    parseAllDocuments(content).forEach((document, index) => {
      for (const error of [...document.errors, ...document.warnings])
        errors.push(`${file}#${index}: ${error.message}`);
      documents.push({ file, index, value: document.toJS() });
    });
  }
  return { documents, errors };
}

function isNamedObject(value: unknown): value is NamedObject {
  if (value === null || typeof value !== "object") return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  const name = (metadata as { name?: unknown } | undefined)?.name;
  return [apiVersion, kind, name].every((field) => typeof field === "string" && field.length > 0);
}

const scratch = mkdtempSync(join(tmpdir(), "render-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(["dev", "prod"])("render --stack %s", (stack) => {
  const firstOut = join(scratch, `${stack}-first`);
  const secondOut = join(scratch, `${stack}-second`);
  let first: CliRun;
  let second: CliRun;
  let tree: Map<string, string>;

  beforeAll(async () => {
    first = await runRenderCli(stack, firstOut);
    // Later, and in another time zone: a timestamp or local-time leak would show up as a diff.
    second = await runRenderCli(stack, secondOut, { TZ: "Pacific/Kiritimati" });
    tree = readTree(firstOut);
  });

  it("succeeds, keeps stdout empty and reports progress and a summary on stderr", () => {
    expect(first.stderr).not.toMatch(/^\s+at /m);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toContain(`rendering stack ${stack}`);
    // The summary names every agent of the stack, so an operator sees what would be deployed.
    for (const agent of loadStack(stack, PROJECT_DIR).fleet.agents) expect(first.stderr).toContain(agent.id);
  });

  it("writes manifests/*.yaml that parse as YAML without errors or warnings", () => {
    const manifests = [...tree.keys()].filter((file) => file.startsWith("manifests/"));
    expect(manifests.length).toBeGreaterThan(0);
    for (const file of manifests) expect(file).toMatch(/^manifests\/\d\d-[a-z0-9-]+\.yaml$/);
    const { documents, errors } = documentsOf(tree);
    expect(errors).toEqual([]);
    expect(documents.length).toBeGreaterThan(0);
  });

  it("makes every document a Kubernetes object with apiVersion, kind and metadata.name", () => {
    const unnamed = documentsOf(tree)
      .documents.filter(({ value }) => !isNamedObject(value))
      .map(({ file, index }) => `${file}#${index}`);
    expect(unnamed).toEqual([]);
  });

  it("renders each object once (namespace/kind/name is unique)", () => {
    const keys = documentsOf(tree)
      .documents.map(({ value }) => value as NamedObject)
      .map(({ kind, metadata }) => `${metadata.namespace ?? "-"}/${kind}/${metadata.name}`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it("renders a Namespace for every agent cluster of the stack", () => {
    const namespaces = documentsOf(tree)
      .documents.map(({ value }) => value as NamedObject)
      .filter(({ kind }) => kind === "Namespace")
      .map(({ metadata }) => metadata.name);
    for (const cluster of loadStack(stack, PROJECT_DIR).fleet.clusters)
      expect(namespaces).toContain(cluster.name);
  });

  it("orders files for a one-pass apply: CRDs apart, Namespaces before anything namespaced", () => {
    const { documents } = documentsOf(tree);
    expect(
      documents
        .filter(({ file }) => file.startsWith("crds/"))
        .map(({ value }) => (value as NamedObject).kind),
    ).toEqual(["CustomResourceDefinition"]);
    const manifests = documents.filter(({ file }) => file.startsWith("manifests/"));
    const files = [...new Set(manifests.map(({ file }) => file))].sort();
    const position = ({ file, index }: RenderedDocument) => files.indexOf(file) * 100_000 + index;
    const namespaces = manifests.filter(({ value }) => (value as NamedObject).kind === "Namespace");
    const lastNamespace = Math.max(...namespaces.map(position));
    const namespaced = manifests.filter(
      ({ value }) => (value as NamedObject).metadata.namespace !== undefined,
    );
    expect(namespaced.length).toBeGreaterThan(0);
    for (const document of namespaced)
      expect(position(document), document.file).toBeGreaterThan(lastNamespace);
  });

  it("never writes secret ciphertext or plaintext credentials", () => {
    for (const [file, content] of tree) expect(content, file).not.toMatch(/AAAB[A-Za-z0-9+/]{20,}/);
  });

  it("is deterministic: a second render (later, another TZ) is byte-identical", () => {
    expect(second.status).toBe(0);
    const again = readTree(secondOut);
    expect([...again.keys()]).toEqual([...tree.keys()]);
    for (const [file, content] of tree) expect(again.get(file), file).toBe(content);
  });
});
