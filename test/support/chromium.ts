/**
 * Headless Debian Chromium for tests that look at the HTML release report. The flags keep it off
 * the network (this machine has none beyond loopback) and out of first-run work.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Waits briefly for a concurrent install; fails (never skips) when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  for (let waited = 0; !existsSync(CHROMIUM) && waited < 30_000; waited += 500) await sleep(500);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-system-deps.sh`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}
