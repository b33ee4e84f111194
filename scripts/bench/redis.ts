// A throwaway redis-server for one phase (test/redis-servers.ts: a free port, its own folder, no
// persistence), stopped when the phase ends, or a note that says how to get one.
import { existsSync } from "node:fs";
import { REDIS_SERVER, startRedis, type RedisProcess } from "../../test/redis-servers";
import { skip } from "./figures";

/** Runs `measure` with a redis-server of its own; without redis-server installed, records `what` as skipped. */
export async function withRedis(what: string, measure: (redis: RedisProcess) => Promise<void>): Promise<void> {
  if (!existsSync(REDIS_SERVER)) {
    skip(`${what}: redis-server is not installed (\`apt-get install -y redis-server\`)`);
    return;
  }
  const redis = await startRedis();
  try {
    await measure(redis);
  } finally {
    await redis.stop();
  }
}
