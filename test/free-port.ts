import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now, for a server a test starts (the unit tests' Redis, the e2e specs' next start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
