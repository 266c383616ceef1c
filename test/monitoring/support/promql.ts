/** PromQL checks with Prometheus' own lezer grammar (what Grafana's query editor parses with). */
import { parser } from "@prometheus-io/lezer-promql";

/** Grafana variables replaced by plausible values, so the query parses as Prometheus sees it. */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "1m")
    .replaceAll("$__interval", "30s")
    .replaceAll("$__range", "24h")
    .replace(/\$\{?([A-Za-z_]\w*)\}?/g, "sample-$1");
}

/** Offsets of syntax errors in the expression (empty when it parses). */
export function syntaxErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
    },
  });
  return errors;
}

/** Metric names the expression selects. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
        names.push(expr.slice(node.from, node.to));
      }
    },
  });
  return names;
}
