/**
 * Client of HAProxy's runtime API (the admin-level stats socket): one TCP connection per command
 * line, as in HAProxy's non-interactive mode. The sandbox kubelet fills server slots with pod
 * addresses through it; the controller's HAProxy traffic router sets track weights through it.
 */
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export type ServerAdminState = "ready" | "drain" | "maint";
export type ServerOperationalState = "stopped" | "starting" | "running" | "stopping";

/** One line of `show servers state <backend>`. */
export interface HaproxyServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  /** Health as HAProxy sees it: `running` takes traffic (if weight > 0 and `ready`). */
  operational: ServerOperationalState;
  /** Set by the runtime API (or `disabled` in the config, which is `maint`). */
  admin: ServerAdminState;
  /** Current (user) weight, 0..256. */
  weight: number;
}

// srv_admin_state bits (HAProxy src/server-t.h): forced/inherited/resolution/hostname maintenance;
// forced/inherited drain. 0x04 only records "disabled in the config" and is not a state by itself.
const ADMIN_MAINT = 0x01 | 0x02 | 0x20 | 0x40;
const ADMIN_DRAIN = 0x08 | 0x10;
const OPERATIONAL: readonly ServerOperationalState[] = ["stopped", "starting", "running", "stopping"];

const COMMAND_TIMEOUT_MS = 5000;

export class HaproxyRuntimeError extends Error {}

function adminStateOf(flags: number): ServerAdminState {
  if (flags & ADMIN_MAINT) return "maint";
  if (flags & ADMIN_DRAIN) return "drain";
  return "ready";
}

/** Parses `show servers state` output (format version 1: a version line, a `#` header, rows). */
export function parseServersState(text: string): HaproxyServerState[] {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const header = lines.find((line) => line.startsWith("# "));
  if (!header) throw new HaproxyRuntimeError(`unexpected 'show servers state' answer: ${text.slice(0, 200)}`);
  const fields = header.slice(2).trim().split(/\s+/);
  const column = (name: string): number => {
    const index = fields.indexOf(name);
    if (index < 0) throw new HaproxyRuntimeError(`'show servers state' has no ${name} column`);
    return index;
  };
  const at = {
    backend: column("be_name"),
    server: column("srv_name"),
    address: column("srv_addr"),
    port: column("srv_port"),
    operational: column("srv_op_state"),
    admin: column("srv_admin_state"),
    weight: column("srv_uweight"),
  };
  return lines
    .filter((line) => !line.startsWith("#") && /\s/.test(line.trim()))
    .map((line) => {
      const values = line.trim().split(/\s+/);
      const value = (index: number) => values[index] ?? "";
      return {
        backend: value(at.backend),
        server: value(at.server),
        address: value(at.address),
        port: Number(value(at.port)),
        operational: OPERATIONAL[Number(value(at.operational))] ?? "stopped",
        admin: adminStateOf(Number(value(at.admin))),
        weight: Number(value(at.weight)),
      };
    });
}

function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 256) {
    throw new HaproxyRuntimeError(`HAProxy weights are integers 0..256, got ${weight}`);
  }
}

export class HaproxyRuntime {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  /** From `host:port`, the form the controller's HAPROXY_ADDRESS setting takes. */
  static fromAddress(address: string): HaproxyRuntime {
    const match = /^(.+):(\d+)$/.exec(address);
    if (!match) throw new HaproxyRuntimeError(`HAProxy runtime address must be host:port, got "${address}"`);
    return new HaproxyRuntime(match[1] as string, Number(match[2]));
  }

  /** Sends one command line (commands may be joined with `;`) and returns the whole answer. */
  command(line: string): Promise<string> {
    if (line.includes("\n")) throw new HaproxyRuntimeError("one command line at a time");
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host, () => socket.end(`${line}\n`));
      const chunks: Buffer[] = [];
      socket.setTimeout(COMMAND_TIMEOUT_MS, () =>
        socket.destroy(new HaproxyRuntimeError(`'${line}' timed out`)),
      );
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("error", reject);
      socket.on("close", (hadError) => {
        if (!hadError) resolve(Buffer.concat(chunks).toString("utf8"));
      });
    });
  }

  /** Runs commands that answer nothing on success; any answer is the error. */
  async #silent(commands: readonly string[]): Promise<void> {
    if (commands.length === 0) return;
    const answer = (await this.command(commands.join("; "))).trim();
    if (answer !== "") throw new HaproxyRuntimeError(`HAProxy refused '${commands.join("; ")}': ${answer}`);
  }

  async setServerAddress(backend: string, server: string, host: string, port: number): Promise<void> {
    const answer = (await this.command(`set server ${backend}/${server} addr ${host} port ${port}`)).trim();
    if (answer !== "" && !/changed|no need to change/i.test(answer)) {
      throw new HaproxyRuntimeError(`HAProxy refused the address of ${backend}/${server}: ${answer}`);
    }
  }

  setServerState(backend: string, server: string, state: ServerAdminState): Promise<void> {
    return this.#silent([`set server ${backend}/${server} state ${state}`]);
  }

  setServerWeight(backend: string, server: string, weight: number): Promise<void> {
    checkWeight(weight);
    return this.#silent([`set server ${backend}/${server} weight ${weight}`]);
  }

  /**
   * Several weights in one command line, applied back to back in the order given (callers put
   * raises before cuts so a switch never leaves a moment with no weighted server).
   */
  setServerWeights(
    backend: string,
    weights: Readonly<Record<string, number>> | ReadonlyArray<readonly [server: string, weight: number]>,
  ): Promise<void> {
    const entries = Array.isArray(weights) ? weights : Object.entries(weights);
    for (const [, weight] of entries) checkWeight(weight);
    return this.#silent(
      entries.map(([server, weight]) => `set server ${backend}/${server} weight ${weight}`),
    );
  }

  async showServers(backend: string): Promise<HaproxyServerState[]> {
    const answer = await this.command(`show servers state ${backend}`);
    if (!answer.startsWith("1\n")) {
      throw new HaproxyRuntimeError(`HAProxy could not show servers of ${backend}: ${answer.trim()}`);
    }
    return parseServersState(answer);
  }

  /** Polls until the server matches, e.g. `(s) => s.operational === "running"`; returns its state. */
  async waitForServer(
    backend: string,
    server: string,
    matches: (state: HaproxyServerState) => boolean,
    timeoutMs = 10_000,
  ): Promise<HaproxyServerState> {
    const deadline = Date.now() + timeoutMs;
    let last: HaproxyServerState | undefined;
    while (Date.now() < deadline) {
      last = (await this.showServers(backend)).find((state) => state.server === server);
      if (last && matches(last)) return last;
      await sleep(50);
    }
    throw new HaproxyRuntimeError(
      `${backend}/${server} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
    );
  }
}
