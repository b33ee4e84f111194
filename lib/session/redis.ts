// The Redis engines' entry point, apart from the core's so that only an app that uses Redis loads
// its client: the store (Django's `cache` engine), the tiered store (`cached_db`) and node-redis.
export { RedisStore, type RedisConnection, type RedisStoreOptions } from "./stores/redis";
export { CachedDbStore, type CachedDbOptions, type RecordStore } from "./stores/cached-db";
export { openRedis, RedisUnavailableError, type OpenedRedis, type RedisTarget } from "./stores/redis-client";
