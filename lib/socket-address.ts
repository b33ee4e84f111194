import { Server as HttpServer, type IncomingMessage } from "node:http";
import { Server as HttpsServer } from "node:https";
import { SOCKET_ADDRESS_HEADER } from "./forwarded-for";

type Emit = HttpServer["emit"];

/** What a server emits for each request (`checkContinue` in place of `request` when a listener takes it). */
const REQUEST_EVENTS = new Set<string | symbol>(["request", "checkContinue"]);

function stamp(request: IncomingMessage): void {
  const address = request.socket?.remoteAddress;
  if (address) request.headers[SOCKET_ADDRESS_HEADER] = address;
  else delete request.headers[SOCKET_ADDRESS_HEADER];
}

/**
 * App Router code sees request headers, never the socket, and Next fills
 * X-Forwarded-For from the socket only when the client sent none. So, once
 * per process (from instrumentation, before Next serves a request): every
 * request an HTTP(S) server of this process emits gets SOCKET_ADDRESS_HEADER
 * set from its socket, replacing whatever the client sent under that name.
 */
export function recordSocketAddresses(): void {
  for (const { prototype } of [HttpServer, HttpsServer]) {
    const emit = prototype.emit as Emit & { socketAddress?: boolean };
    if (emit.socketAddress) continue;
    const patched = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
      if (REQUEST_EVENTS.has(event) && args[0]) stamp(args[0] as IncomingMessage);
      return (emit as (this: HttpServer, ...all: unknown[]) => boolean).call(this, event, ...args);
    } as Emit & { socketAddress?: boolean };
    patched.socketAddress = true;
    prototype.emit = patched;
  }
}
