/**
 * Judging the cluster's answers: which prerequisites are missing, which could not be checked, and
 * the one message that lists them all with their fixes. Pure: the answers come in as data.
 */
import { describeProbe, type Prerequisite, type Probe } from "./prerequisites.ts";

export type ProbeAnswer =
  /** `warning`: there, but not in working order (e.g. an APIService registered but not Available). */
  | { state: "present"; warning?: string }
  /** `detail` adds what the cluster has instead (e.g. the StorageClasses it does have). */
  | { state: "missing"; detail?: string }
  /** The reader could not tell (no permission, timeout): reported, never treated as missing. */
  | { state: "unknown"; detail: string };

export interface ProbeFinding {
  probe: Probe;
  detail?: string;
}

export interface PrerequisiteFinding {
  prerequisite: Prerequisite;
  findings: ProbeFinding[];
}

export interface PreflightReport {
  /** The cluster read, e.g. `context "dev" (https://10.0.0.1:6443, v1.37.2)`. */
  target: string;
  /** Number of probes asked. */
  checked: number;
  missing: PrerequisiteFinding[];
  unknown: PrerequisiteFinding[];
  /** There but not working: reported, not blocking (it may be a restarting adapter). */
  degraded: PrerequisiteFinding[];
}

export const README_SECTION = 'README "Cluster prerequisites"';
export const OPT_OUT_COMMAND = "pulumi config set --path agent-fleet:preflight.enabled false";

export function probeKey(probe: Probe): string {
  return JSON.stringify(probe);
}

/** Sorts every probe's answer into missing and unknown, per prerequisite. */
export function evaluatePreflight(
  prerequisites: readonly Prerequisite[],
  answers: ReadonlyMap<string, ProbeAnswer>,
  target: string,
): PreflightReport {
  const missing: PrerequisiteFinding[] = [];
  const unknown: PrerequisiteFinding[] = [];
  const degraded: PrerequisiteFinding[] = [];
  let checked = 0;
  for (const prerequisite of prerequisites) {
    const absent: ProbeFinding[] = [];
    const unclear: ProbeFinding[] = [];
    const weak: ProbeFinding[] = [];
    for (const probe of prerequisite.probes) {
      checked += 1;
      const answer: ProbeAnswer = answers.get(probeKey(probe)) ?? { state: "unknown", detail: "not asked" };
      if (answer.state === "missing") absent.push({ probe, detail: answer.detail });
      if (answer.state === "unknown") unclear.push({ probe, detail: answer.detail });
      if (answer.state === "present" && answer.warning) weak.push({ probe, detail: answer.warning });
    }
    if (absent.length > 0) missing.push({ prerequisite, findings: absent });
    if (unclear.length > 0) unknown.push({ prerequisite, findings: unclear });
    if (weak.length > 0) degraded.push({ prerequisite, findings: weak });
  }
  return { target, checked, missing, unknown, degraded };
}

function findingList(findings: readonly ProbeFinding[]): string {
  return findings
    .map((finding) => `${describeProbe(finding.probe)}${finding.detail ? ` (${finding.detail})` : ""}`)
    .join(", ");
}

/** `namespace "monitoring" is missing`, or `Gateway API CRDs: missing HTTPRoute (…)`. */
function missingHeadline(prerequisite: Prerequisite, findings: readonly ProbeFinding[]): string {
  const [only] = findings;
  if (findings.length === 1 && only && describeProbe(only.probe) === prerequisite.title) {
    return `${prerequisite.title} is missing${only.detail ? `: ${only.detail}` : ""}`;
  }
  return `${prerequisite.title}: missing ${findingList(findings)}`;
}

function missingLines(finding: PrerequisiteFinding): string[] {
  const { prerequisite, findings } = finding;
  return [
    `  - ${missingHeadline(prerequisite, findings)}`,
    `      needed by: ${prerequisite.neededBy}`,
    `      fix: ${prerequisite.fix}`,
  ];
}

function unknownLines(findings: readonly PrerequisiteFinding[]): string[] {
  return findings.map(
    (finding) => `  - ${finding.prerequisite.title}: could not check ${findingList(finding.findings)}`,
  );
}

function degradedLines(findings: readonly PrerequisiteFinding[]): string[] {
  return findings.flatMap((finding) => [
    `  - ${finding.prerequisite.title}: ${findingList(finding.findings)}`,
    `      needed by: ${finding.prerequisite.neededBy}`,
  ]);
}

/** The one error when something is missing: every prerequisite, what needs it, and its fix. */
export function failureMessage(report: PreflightReport, stack: string): string {
  const count = report.missing.length === 1 ? "1 prerequisite" : `${report.missing.length} prerequisites`;
  const lines = [
    `Preflight: the cluster ${report.target} lacks ${count} of stack ${stack}; nothing was created.`,
    ...report.missing.flatMap(missingLines),
  ];
  if (report.unknown.length > 0)
    lines.push("Not checked (the reader was refused or timed out):", ...unknownLines(report.unknown));
  if (report.degraded.length > 0) lines.push("Present but not working:", ...degradedLines(report.degraded));
  lines.push(
    `Fix these and run again (${README_SECTION} says how each is usually installed), or, if you know the cluster has them, skip the checks: ${OPT_OUT_COMMAND}`,
  );
  return lines.join("\n");
}

/**
 * The warning when nothing is missing but some probes could not be answered, or something is
 * there but not working; undefined when everything is fine.
 */
export function cautionMessage(report: PreflightReport): string | undefined {
  if (report.unknown.length === 0 && report.degraded.length === 0) return undefined;
  const lines = [
    `Preflight: the cluster ${report.target} has every prerequisite it could check; continuing, but:`,
  ];
  if (report.unknown.length > 0) {
    lines.push(
      "Not checked (the reader was refused or timed out):",
      ...unknownLines(report.unknown),
      `  if one of them is missing, resources that need it fail or time out (${README_SECTION}).`,
    );
  }
  if (report.degraded.length > 0) lines.push("Present but not working:", ...degradedLines(report.degraded));
  return lines.join("\n");
}

export function passedMessage(report: PreflightReport): string {
  return `Preflight: the cluster ${report.target} has every prerequisite checked (${report.checked} checks).`;
}

/** Preview without a reachable cluster: said once, plainly, never silently. */
export function skippedMessage(target: string, reason: string): string {
  return [
    `Preflight skipped: cannot read the cluster ${target}: ${reason}.`,
    "This preview is client-side only: nothing was checked against a cluster (prerequisites, existing objects, admission),",
    `so it cannot tell whether \`pulumi up\` would succeed. ${README_SECTION} lists what the cluster needs.`,
  ].join("\n");
}

/** `pulumi up` without a reachable cluster: it cannot succeed, so stop before registering anything. */
export function unreachableMessage(target: string, reason: string): string {
  return [
    `Preflight: cannot read the cluster ${target}: ${reason}; nothing was created.`,
    "Check KUBECONFIG (or ~/.kube/config), the stack's kubernetes:kubeconfig / kubernetes:context config and your credentials.",
    `If only this check cannot reach the cluster (the provider can), skip it: ${OPT_OUT_COMMAND}`,
  ].join("\n");
}

export function disabledMessage(): string {
  return "Preflight disabled (agent-fleet:preflight.enabled is false): the cluster's prerequisites are not checked.";
}
