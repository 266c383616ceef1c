/**
 * HAProxy runtime API client (the admin "stats socket"): one connection per command batch, as in
 * non-interactive mode. The address is `host:port` (TCP) or a filesystem path (unix socket).
 */
import { connect, type Socket } from "node:net";

export interface ServerState {
  backend: string;
  name: string;
  /** 0 stopped, 1 starting, 2 running, 3 stopping. */
  operationalState: number;
  /** Bit flags; 0x01 forced, 0x02 inherited, 0x20 resolution maintenance. */
  adminState: number;
  userWeight: number;
}

const MAINTENANCE_FLAGS = 0x01 | 0x02 | 0x20;

/** In rotation: not in any maintenance mode and not stopped. */
export function inRotation(server: ServerState): boolean {
  return (server.adminState & MAINTENANCE_FLAGS) === 0 && server.operationalState !== 0;
}

export class HaproxyRuntime {
  private readonly address: string;
  private readonly timeoutMs: number;

  constructor(address: string, timeoutMs = 3000) {
    this.address = address;
    this.timeoutMs = timeoutMs;
  }

  private open(): Socket {
    const tcp = /^(.+):(\d+)$/.exec(this.address);
    return tcp ? connect({ host: tcp[1], port: Number(tcp[2]) }) : connect({ path: this.address });
  }

  /** Sends `;`-joined commands and returns the whole answer. */
  execute(commands: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = this.open();
      const chunks: Buffer[] = [];
      socket.setTimeout(this.timeoutMs, () =>
        socket.destroy(new Error(`HAProxy runtime API at ${this.address} timed out`)),
      );
      socket.on("connect", () => socket.end(`${commands.join("; ")}\n`));
      socket.on("data", (chunk) => chunks.push(chunk));
      socket.on("error", (error) =>
        reject(new Error(`HAProxy runtime API at ${this.address}: ${error.message}`)),
      );
      socket.on("close", (hadError) => {
        if (!hadError) resolve(Buffer.concat(chunks).toString("utf8"));
      });
    });
  }

  async serversState(backend: string): Promise<ServerState[]> {
    const answer = await this.execute([`show servers state ${backend}`]);
    const lines = answer.split("\n").filter((line) => line.trim() !== "");
    const header = lines.find((line) => line.startsWith("#"));
    if (!header) throw new Error(`HAProxy: no server state for backend ${backend}: ${answer.trim()}`);
    const columns = header.replace(/^#\s*/, "").split(/\s+/);
    const column = (fields: string[], name: string) => fields[columns.indexOf(name)] ?? "";
    return lines
      .filter((line) => !line.startsWith("#") && line.includes(" "))
      .map((line) => line.split(/\s+/))
      .filter((fields) => column(fields, "be_name") === backend)
      .map((fields) => ({
        backend,
        name: column(fields, "srv_name"),
        operationalState: Number(column(fields, "srv_op_state")),
        adminState: Number(column(fields, "srv_admin_state")),
        userWeight: Number(column(fields, "srv_uweight")),
      }));
  }

  async setWeights(backend: string, weights: ReadonlyMap<string, number>): Promise<void> {
    if (weights.size === 0) return;
    const commands = [...weights].map(([server, weight]) => `set weight ${backend}/${server} ${weight}`);
    const answer = (await this.execute(commands)).trim();
    if (answer !== "") throw new Error(`HAProxy refused weights for ${backend}: ${answer}`);
  }
}
