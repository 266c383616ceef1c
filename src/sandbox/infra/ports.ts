/** Free TCP ports on the loopback interface, found by letting the kernel pick (listen on port 0). */
import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

/** Ports this process already handed out: never handed out twice. */
const handedOut = new Set<number>();

/**
 * A port free on 127.0.0.1 at the time of the call. The listener is closed before returning, so a
 * caller should bind it soon; ports handed out by one process are never repeated (no self-races).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await pickPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("no unused free port on 127.0.0.1 after 20 attempts");
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let index = 0; index < count; index += 1) ports.push(await freePort());
  return ports;
}

function pickPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("listen(0) returned no port"))));
    });
  });
}
