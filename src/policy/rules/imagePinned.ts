/** Images are pinned: never `latest` (or no tag), and by digest in the environments that demand it. */
import { containersOf, environmentOf, podTemplateOf } from "../objects.ts";
import { stringListSetting } from "../settings.ts";
import { resourcePolicy } from "../types.ts";

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** The tag of an image reference (`registry:5000/repo:tag@digest` → `tag`), if any. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split("@")[0] ?? image;
  const lastSegment = withoutDigest.split("/").at(-1) ?? withoutDigest;
  const colon = lastSegment.lastIndexOf(":");
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

export const imagePinned = resourcePolicy({
  name: "image-pinned",
  description:
    "Container images are pinned: never `latest` or untagged, and pinned by digest (image@sha256:…) in " +
    "production. Fix: set the agent's `version` to a release tag, or to `sha256:<digest>` for prod.",
  scope: "resource",
  settings: {
    forbiddenTags: stringListSetting(["latest"], "Mutable tags that never count as pinned."),
    requireDigestIn: stringListSetting(["prod"], "Environments whose images must be pinned by digest."),
  },
  check(object, context, settings) {
    const spec = podTemplateOf(object)?.spec;
    if (!spec) return [];
    const environment = environmentOf(object, context);
    const needsDigest = settings.requireDigestIn.includes(environment);
    return containersOf(spec).flatMap(({ container, label }) => {
      const image = container.image ?? "";
      const digest = DIGEST.test(image);
      const tag = imageTag(image);
      if (needsDigest && !digest) {
        return [
          `${label} image ${image} is not pinned by digest, required in ${environment}: use image@sha256:<digest>`,
        ];
      }
      if (digest) return [];
      if (tag === undefined) return [`${label} image ${image} has no tag (means latest): pin a release tag`];
      if (settings.forbiddenTags.includes(tag)) {
        return [`${label} image ${image} uses the mutable tag "${tag}": pin a release tag or digest`];
      }
      return [];
    });
  },
});
