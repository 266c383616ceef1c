/**
 * The last check before a rendered object set leaves the program: every object has its own
 * identity and stays within the API server's limits. The config schema rejects what it can see in
 * one value; these failures only exist once builders have combined values and suffixes, so they
 * are checked on the result, where the render and `pulumi up` both pass, and again by the policy
 * pack on what the engine was actually given.
 */

import { labelChecks } from "../../contract/kubernetesNames.ts";
import type { KubeObject } from "../types.ts";
import { describeObject, duplicateObjects } from "./duplicates.ts";
import { objectLimitProblems } from "./objectLimits.ts";

export { describeObject } from "./duplicates.ts";

export interface ObjectProblem {
  /** The object to blame (for a duplicate, the later one). */
  object: KubeObject;
  field: string;
  /** Names the object, the field, the value, the limit and the fix. */
  message: string;
}

/** Where an object came from in the stack config (`agents[2] (ingest)`), when known. */
export type OriginOf = (object: KubeObject) => string | undefined;

const from = (origin: string | undefined) => (origin ? `from ${origin}` : "from an unknown source");

export function objectSetProblems(
  objects: readonly KubeObject[],
  originOf: OriginOf = () => undefined,
): ObjectProblem[] {
  const duplicates = duplicateObjects(objects).map(({ first, again, identity }) => ({
    object: again,
    field: "metadata.name",
    message:
      `${identity} is rendered twice: ${from(originOf(first))} and ${from(originOf(again))}; the API server keeps ` +
      "one object per name, so one would silently overwrite the other. " +
      "Fix: rename one of them (agent ids and cluster names are part of every derived name)",
  }));
  const checks = labelChecks();
  const limits = objects.flatMap((object) =>
    objectLimitProblems(object, checks).map(({ field, message }) => ({
      object,
      field,
      message: `${describeObject(object)}: ${message}`,
    })),
  );
  return [...duplicates, ...limits];
}

export class ObjectInvariantError extends Error {
  readonly problems: ObjectProblem[];
  constructor(problems: ObjectProblem[], originOf: OriginOf) {
    const lines = problems.map(({ object, message }) => {
      const origin = originOf(object);
      // Duplicates already name both origins.
      return `  - ${message}${origin && !message.includes(" is rendered twice: ") ? ` (from ${origin})` : ""}`;
    });
    super(
      `The render produced objects the API server would reject (${problems.length} problem${problems.length === 1 ? "" : "s"}); ` +
        `nothing was written or registered:\n${lines.join("\n")}`,
    );
    this.name = "ObjectInvariantError";
    this.problems = problems;
  }
}

/** Throws every problem of the set at once. */
export function assertObjectSet(objects: readonly KubeObject[], originOf: OriginOf = () => undefined): void {
  const problems = objectSetProblems(objects, originOf);
  if (problems.length > 0) throw new ObjectInvariantError(problems, originOf);
}
