// The Redis engines' entry point, apart from the core's so that only an app that uses Redis loads
// its client: Django's `cache` engine, the tiered `cached_db`, and a node-redis connection for them.
export { redisEngine, type RedisConnection } from "../stores/redis";
export { cachedDbEngine } from "../stores/cached-db";
export { openRedis } from "../stores/redis-client";
