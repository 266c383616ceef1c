/** Everything that differs between two renders of one stack. */

import type { RenderedSide } from "./baseRender.ts";
import { diffObjects } from "./objects.ts";
import type { StackDiff } from "./risk.ts";
import { alertmanagerConfigOf, diffAlerting } from "./routes.ts";
import { diffRules } from "./rules.ts";

export function diffStack(stack: string, base: RenderedSide, head: RenderedSide): StackDiff {
  return {
    stack,
    objects: diffObjects(base.objects, head.objects),
    rules: diffRules(base.objects, head.objects),
    alerting: diffAlerting(
      alertmanagerConfigOf(base.files, base.objects),
      alertmanagerConfigOf(head.files, head.objects),
    ),
  };
}
