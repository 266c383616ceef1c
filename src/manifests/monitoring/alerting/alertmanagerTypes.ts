/**
 * The Alertmanager configuration file's shape (what `amtool check-config` reads), as plain types:
 * the rendered fleet carries one, so these import nothing.
 */
export interface AlertmanagerRoute {
  receiver: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: AlertmanagerRoute[];
}

export interface AlertmanagerReceiver {
  name: string;
  [configs: string]: unknown;
}

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface AlertmanagerConfig {
  global: Record<string, unknown>;
  route: AlertmanagerRoute;
  receivers: AlertmanagerReceiver[];
  inhibit_rules: InhibitRule[];
}
