/**
 * Prometheus rule files as plain data: the same groups go into `PrometheusRule` objects and into
 * the offline `prometheus/rules.yaml` that promtool checks and tests.
 */
import type { AlertName } from "./runbooks.ts";

/** Alert severities, in the order the route tree escalates them. */
export const SEVERITIES = ["critical", "error", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertAnnotations {
  /** Static one-line headline (kubernetes-mixin style). */
  summary: string;
  /** Templated detail naming the agent and the measured value. */
  description: string;
  /** Added centrally by `withRunbooks`, never by an area module. */
  runbook_url?: string;
}

export interface AlertingRule {
  alert: AlertName;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: AlertAnnotations;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

/** A plain Prometheus rule file (`promtool check rules` input). */
export interface RuleFile {
  groups: RuleGroup[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return "alert" in rule;
}

export function alertingRules(groups: readonly RuleGroup[]): AlertingRule[] {
  return groups.flatMap((group) => group.rules.filter(isAlertingRule));
}

export function ruleCount(groups: readonly RuleGroup[]): number {
  return groups.reduce((count, group) => count + group.rules.length, 0);
}
