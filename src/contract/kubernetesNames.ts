/**
 * The name and label rules the Kubernetes API server applies (k8s.io/apimachinery
 * `util/validation`), as predicates that return what is wrong or undefined. Kept literal so a
 * message can quote the limit the server would quote.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label values and the name part of qualified names (label and annotation keys). */
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const LIMITS = {
  labelValue: 63,
  qualifiedNamePart: 63,
  dnsLabel: 63,
  dnsSubdomain: 253,
  /** `TotalAnnotationSizeLimitB`: keys and values of one object's annotations together. */
  annotationsBytes: 256 * 1024,
  /** `MaxSecretSize`, which also bounds ConfigMaps. */
  dataBytes: 1024 * 1024,
} as const;

export interface NameRule {
  /** How messages call a name of this kind ("a Service name (a DNS-1035 label)"). */
  what: string;
  maxLength?: number;
  /** Why the syntax fails, or undefined when it holds. */
  syntax(name: string): string | undefined;
}

const dnsLabelSyntax = (pattern: RegExp, label: string) => (name: string) =>
  pattern.test(name)
    ? undefined
    : `not a ${label} (lower-case letters, digits and '-', starting with a ${
        pattern === DNS1035_LABEL ? "letter" : "letter or digit"
      } and ending with a letter or digit)`;

const SERVICE: NameRule = {
  what: "a Service name (a DNS-1035 label)",
  maxLength: LIMITS.dnsLabel,
  syntax: dnsLabelSyntax(DNS1035_LABEL, "DNS-1035 label"),
};
const NAMESPACE: NameRule = {
  what: "a Namespace name (a DNS-1123 label)",
  maxLength: LIMITS.dnsLabel,
  syntax: dnsLabelSyntax(DNS1123_LABEL, "DNS-1123 label"),
};
/** RBAC objects are named by path segments (`system:…` is common); the server sets no length. */
const RBAC: NameRule = {
  what: "an RBAC name (a path segment)",
  syntax: (name) =>
    name === "." || name === ".." || /[/%]/.test(name)
      ? "not a valid RBAC name (no '/' or '%', and not '.' or '..')"
      : undefined,
};
const SUBDOMAIN: NameRule = {
  what: "a DNS-1123 subdomain",
  maxLength: LIMITS.dnsSubdomain,
  syntax: (name) =>
    DNS1123_SUBDOMAIN.test(name)
      ? undefined
      : "not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit)",
};

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

/** The rule for `metadata.name` of a kind: everything not listed is a DNS subdomain. */
export function nameRuleOf(kind: string, group: string): NameRule {
  if (group === "" && kind === "Service") return SERVICE;
  if (group === "" && kind === "Namespace") return NAMESPACE;
  if (group === "rbac.authorization.k8s.io" && RBAC_KINDS.has(kind)) return RBAC;
  return SUBDOMAIN;
}

/** Why a label value is not one, or undefined. */
export function labelValueProblem(value: string): { tooLong: boolean } | { syntax: true } | undefined {
  if (value.length > LIMITS.labelValue) return { tooLong: true };
  if (value !== "" && !QUALIFIED_NAME_PART.test(value)) return { syntax: true };
  return undefined;
}

/** Why a label or annotation key (`[prefix/]name`) is not a qualified name, or undefined. */
export function qualifiedKeyProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "has more than one '/'";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0] ?? ""];
  if (prefix !== undefined) {
    if (prefix.length > LIMITS.dnsSubdomain)
      return `prefix is ${prefix.length} characters, over ${LIMITS.dnsSubdomain} (a DNS-1123 subdomain)`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) return "prefix is not a DNS-1123 subdomain";
  }
  if (name === undefined || name.length === 0) return "has an empty name part";
  if (name.length > LIMITS.qualifiedNamePart)
    return `name part is ${name.length} characters, over ${LIMITS.qualifiedNamePart}`;
  if (!QUALIFIED_NAME_PART.test(name))
    return "name part is not letters, digits, '-', '_' and '.' starting and ending with a letter or digit";
  return undefined;
}

/** A value short enough to quote in a message: the first 40 characters and its length. */
export function quote(value: string, keep = 40): string {
  return value.length > keep
    ? `${JSON.stringify(value.slice(0, keep)).slice(0, -1)}…" (${value.length} characters)`
    : JSON.stringify(value);
}

/**
 * The key and value checks behind a cache: a fleet repeats the same few label keys and values on
 * thousands of objects, so one set check answers each string once.
 */
export interface LabelChecks {
  key(key: string): string | undefined;
  value(value: string): ReturnType<typeof labelValueProblem>;
}

function cached<R>(check: (input: string) => R): (input: string) => R {
  const answers = new Map<string, R>();
  return (input) => {
    if (answers.has(input)) return answers.get(input) as R;
    const answer = check(input);
    answers.set(input, answer);
    return answer;
  };
}

export function labelChecks(): LabelChecks {
  return { key: cached(qualifiedKeyProblem), value: cached(labelValueProblem) };
}
