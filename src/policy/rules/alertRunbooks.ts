/** Every alert links to its runbook, so whoever is paged knows what to do. */
import { stringSetting } from "../settings.ts";
import { stackPolicy } from "../types.ts";
import { alertRulesOf } from "./agentAlerts.ts";

export const alertRunbooks = stackPolicy({
  name: "alert-runbooks",
  description:
    "Every alerting rule has a `runbook_url` annotation with an http(s) link (under the configured prefix). " +
    "Fix: add the alert to the runbook table (src/manifests/monitoring/rules/runbooks.ts) and write its page in " +
    "docs/runbooks/.",
  scope: "stack",
  settings: {
    runbookUrlPrefix: stringSetting("", "Prefix every runbook_url must start with (empty: any http(s) URL)."),
  },
  check(objects, _context, settings) {
    return alertRulesOf(objects).flatMap((rule) => {
      const url = rule.annotations.runbook_url;
      const valid =
        typeof url === "string" && /^https?:\/\/\S+$/.test(url) && url.startsWith(settings.runbookUrlPrefix);
      if (valid) return [];
      const problem =
        typeof url === "string" ? `has runbook_url "${url}", not a valid link` : "has no runbook_url";
      return [
        {
          object: rule.source,
          message: `alert ${rule.alert} (group ${rule.group}) ${problem}: link its runbook page`,
        },
      ];
    });
  },
});
