import { createHash } from "node:crypto";

/**
 * What the Redis stores need of a client (redis-client.ts adapts node-redis):
 * one command at a time, routed by one of its keys in a cluster.
 */
export interface RedisConnection {
  send(routingKey: string, args: readonly string[]): Promise<unknown>;
}

export type Reply = (string | null | Reply)[];

/** A Lua script, sent by its SHA-1 once a node knows it. */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }
}

/** EVALSHA, loading the script on the node that lacks it (a restarted or new node). Every key must share one slot. */
export async function runScript(redis: RedisConnection, script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply> {
  const tail = [String(keys.length), ...keys, ...args.map(String)];
  try {
    return (await redis.send(keys[0], ["EVALSHA", script.sha, ...tail])) as Reply;
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return (await redis.send(keys[0], ["EVAL", script.source, ...tail])) as Reply;
  }
}
