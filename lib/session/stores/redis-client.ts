import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  createCluster,
  ErrorReply,
  ReconnectStrategyError,
  RootNodesUnavailableError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from "redis";
import type { RedisConnection } from "./redis";

/**
 * node-redis behind the Redis store's one-method RedisConnection. Commands
 * fail at once while Redis is unreachable (no offline queue: a request must
 * not hang until a reconnect), with an error whose code the circuit breaker
 * reads as unavailability (REDIS_UNAVAILABLE), so pages answer 503 and the
 * client keeps reconnecting in the background.
 */
export interface RedisTarget {
  /** redis://host:port (standalone). */
  url?: string;
  /** host:port of some Redis Cluster nodes; the rest are discovered. */
  clusterNodes?: readonly string[];
}

export interface OpenedRedis {
  connection: RedisConnection;
  close(): Promise<void>;
}

/** Replies that mean the server cannot serve now, not that the command was wrong. */
const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|BUSY |MOVED|ASK)/;

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof ClientOfflineError ||
    error instanceof ClientClosedError ||
    error instanceof SocketClosedUnexpectedlyError ||
    error instanceof ConnectionTimeoutError ||
    error instanceof SocketTimeoutError ||
    error instanceof ReconnectStrategyError ||
    error instanceof RootNodesUnavailableError ||
    (error instanceof ErrorReply && UNAVAILABLE_REPLY.test(error.message))
    // A socket error with a network code (ECONNREFUSED…) passes through as it is: isUnavailability reads its code.
  );
}

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
  readonly code = "REDIS_UNAVAILABLE";
}

/** How long a command waits for the first connection before it counts as an outage. */
const FIRST_CONNECT_WAIT_MS = 2000;
const SOCKET = { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) };

export function openRedis(target: RedisTarget, log: (message: string) => void = console.error): OpenedRedis {
  let lastLogged = 0;
  const onError = (error: Error) => {
    // node-redis reports every failed reconnect: once a minute is enough for a log.
    if (Date.now() - lastLogged > 60_000) {
      lastLogged = Date.now();
      log(`[session] redis: ${error.message || error.name}`);
    }
  };
  let send: (routingKey: string, args: readonly string[]) => Promise<unknown>;
  let close: () => Promise<void>;
  let ready: Promise<unknown>;
  if (target.clusterNodes?.length) {
    const cluster = createCluster({
      rootNodes: target.clusterNodes.map((node) => ({ url: `redis://${node}` })),
      defaults: { socket: SOCKET, disableOfflineQueue: true },
      // A failed master's slots move to its replica; with no offline queue only a topology refresh finds it (default: 5 s into reconnecting).
      topologyRefreshOnReconnectionAttemptStrategy: 1000,
    });
    cluster.on("error", onError);
    ready = cluster.connect().catch(onError);
    send = (routingKey, args) => cluster.sendCommand(routingKey, false, [...args]);
    close = async () => void (await cluster.close().catch(() => {}));
  } else {
    const client = createClient({ url: target.url ?? "redis://127.0.0.1:6379", socket: SOCKET, disableOfflineQueue: true });
    client.on("error", onError);
    ready = client.connect().catch(onError);
    send = (_routingKey, args) => client.sendCommand([...args]);
    close = async () => void (await client.close().catch(() => {}));
  }
  const firstConnect = Promise.race([ready, new Promise((resolve) => setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref())]);
  return {
    connection: {
      async send(routingKey, args) {
        await firstConnect;
        try {
          return await send(routingKey, args);
        } catch (error) {
          if (isUnreachable(error)) throw new RedisUnavailableError(`Redis is unreachable: ${(error as Error).message || (error as Error).name}`, { cause: error });
          throw error;
        }
      },
    },
    close,
  };
}
