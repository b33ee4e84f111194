// A TCP relay to a real server, for faults the server itself cannot stage: cut() drops every
// connection and refuses new ones (a network partition) while the server keeps its data; mend() ends it.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface TcpProxy {
  port: number;
  url: string;
  cut(): Promise<void>;
  mend(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const relay = (client: Socket) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      sockets.add(a);
      a.on("close", () => (sockets.delete(a), b.destroy()));
      a.on("error", () => b.destroy());
      a.pipe(b);
    }
  };
  let server: Server = createServer(relay);
  const listen = (port: number) => new Promise<number>((resolve) => server.listen(port, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  const port = await listen(0);
  const stop = () => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cut: stop,
    mend: async () => {
      server = createServer(relay);
      await listen(port);
    },
    close: stop,
  };
}
