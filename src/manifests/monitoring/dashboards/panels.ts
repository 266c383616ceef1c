/**
 * Panel and variable shorthands over `@grafana/grafana-foundation-sdk`, so the dashboards read as
 * a list of questions ("throughput by track") rather than builder plumbing.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable reference, not JS interpolation.
export const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
export const DASHBOARD_REFRESH = "30s";
export const DASHBOARD_RANGE = { from: "now-24h", to: "now" };

export interface Query {
  expr: string;
  legend?: string;
}

export type PanelBuilder = cog.Builder<dashboard.Panel>;

function target(query: Query, index: number, instant = false): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .expr(query.expr)
    .legendFormat(query.legend ?? "__auto")
    .refId(String.fromCharCode(65 + index));
  return instant ? builder.instant().format(prometheus.PromQueryFormat.Table) : builder;
}

export interface TimeseriesOptions {
  unit?: string;
  min?: number;
  max?: number;
  span?: number;
  description?: string;
}

export function timeseriesPanel(
  title: string,
  queries: Query[],
  options: TimeseriesOptions = {},
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(options.unit ?? "short")
    .span(options.span ?? 12)
    .height(8)
    .targets(queries.map((query, index) => target(query, index)));
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  if (options.description) panel.description(options.description);
  return panel;
}

/** Draws the series whose legend starts with "threshold" as dashed red lines. */
export function withThresholdStyle(panel: timeseries.PanelBuilder): timeseries.PanelBuilder {
  return panel.overrideByRegexp("^threshold.*", [
    { id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } },
    { id: "color", value: { mode: "fixed", fixedColor: "red" } },
  ]);
}

export function statPanel(title: string, query: Query, unit = "short", span = 4): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(span)
    .height(4)
    .withTarget(target(query, 0));
}

export function tablePanel(title: string, queries: Query[], span = 12): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .span(span)
    .height(8)
    .targets(queries.map((query, index) => target(query, index, true)))
    .withTransformation({ id: "merge", options: {} });
}

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus");
}

/** A label-values variable over the agent inventory series. */
export function labelVariable(name: string, label: string, query: string, multi: boolean) {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ query, refId: `${name}-values` })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return multi ? variable.multi(true).includeAll(true).allValue(".*") : variable;
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

export function link(title: string, url: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(url)
    .keepTime(true);
}

/** The dashboard shell every fleet dashboard shares: 30 s refresh, last 24 h, fleet tags. */
export function fleetDashboard(uid: string, title: string, environment: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .tags(["agent-fleet", environment])
    .refresh(DASHBOARD_REFRESH)
    .time(DASHBOARD_RANGE)
    .timezone("browser")
    .editable()
    .withVariable(datasourceVariable());
}

/** A titled row of panels. */
export interface Section {
  title: string;
  panels: PanelBuilder[];
}

export function withSections(builder: dashboard.DashboardBuilder, sections: Section[]): dashboard.Dashboard {
  for (const section of sections) {
    builder.withRow(row(section.title));
    for (const panel of section.panels) builder.withPanel(panel);
  }
  return builder.build();
}
