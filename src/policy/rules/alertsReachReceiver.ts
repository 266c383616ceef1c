/**
 * Alerts must reach someone. A route tree whose every route, the root included, ends in a receiver
 * without notification configs (a blackhole) accepts every alert and tells no one: in prod that is
 * a silent outage of alerting. In dev it is how a receiver without its secret is turned off, so
 * there it is advisory.
 */
import { alertmanagerConfigs, allRoutes, notifyingReceivers } from "../alertmanagerConfig.ts";
import { type StackViolation, stackPolicy } from "../types.ts";

export const alertsReachReceiver = stackPolicy({
  name: "alerts-reach-a-receiver",
  description:
    "The Alertmanager config the stack ships routes alerts to at least one receiver that notifies someone " +
    "(a receiver with email, Slack, PagerDuty or webhook configs), on the root route or any route below it. " +
    "Mandatory in prod, advisory elsewhere. Fix: declare alerting.receivers (pagerduty, slack, email or " +
    "webhook) and set their secrets.",
  scope: "stack",
  enforcedAs: "prodOnly",
  settings: {},
  check(objects, context) {
    return alertmanagerConfigs(objects).flatMap((view): StackViolation[] => {
      const notifying = notifyingReceivers(view);
      const routes = allRoutes(view.route);
      if (routes.some((route) => route.receiver !== undefined && notifying.has(route.receiver))) return [];
      const silent = [...new Set(routes.map((route) => route.receiver ?? "(none)"))].join(", ");
      return [
        {
          object: view.secret,
          message:
            `alertmanager.yaml routes every alert to receivers that notify no one (${silent}): the root route and ` +
            `its ${routes.length - 1} child routes all end in a receiver without *_configs, so in stack ` +
            `${context.stack} alerts reach no one. Fix: declare alerting.receivers (pagerduty, slack, email or ` +
            "webhook) and set their secrets",
        },
      ];
    });
  },
});
