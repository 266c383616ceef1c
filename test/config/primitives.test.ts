import { describe, expect, it } from "vitest";
import { imageRepository, imageVersion } from "../../src/config/primitives.ts";

describe("image references", () => {
  it.each([
    "ghcr.io/acme/ingest-agent",
    "ingest-agent",
    "localhost:5000/ingest-agent",
    "registry.internal:443/team/sub/agent",
  ])("accepts the repository %s", (repository) => {
    expect(imageRepository.safeParse(repository).success).toBe(true);
  });

  it.each([
    ["a tag", "ghcr.io/acme/ingest-agent:1.4.2"],
    ["a numeric tag read as a registry port", "ingest-agent:142"],
    ["a digest", "ghcr.io/acme/ingest-agent@sha256:0000"],
    ["upper case", "GHCR.io/acme/agent"],
  ])("rejects %s in the repository (%s)", (_what, repository) => {
    expect(imageRepository.safeParse(repository).success).toBe(false);
  });

  it("takes tags and sha256 digests as the version", () => {
    expect(imageVersion.safeParse("1.4.2").success).toBe(true);
    expect(imageVersion.safeParse(`sha256:${"a".repeat(64)}`).success).toBe(true);
    expect(imageVersion.safeParse("sha256:abc").success).toBe(false);
    expect(imageVersion.safeParse("-rc1").success).toBe(false);
  });
});
