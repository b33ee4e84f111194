// The store contract (./store-contract.ts), run against every engine.
import { after } from "node:test";
import { cachedDbEngine, cookieEngine, fileEngine, inMemoryDatabase, libsqlEngine, memoryEngine, redisEngine, SECRETS, stopRedisServers, type EngineFixture } from "./harness";
import { storeContract, type ContractFixture } from "./store-contract";

function withClose(engine: EngineFixture): ContractFixture {
  return { ...engine, close: () => engine.db?.$client.close() };
}

storeContract("libSQL (file)", async () => withClose(await libsqlEngine()));
storeContract("libSQL (through the client)", async () => withClose(await libsqlEngine(SECRETS, inMemoryDatabase)));
storeContract("memory", memoryEngine);
storeContract("file", () => fileEngine());
storeContract("cookie", cookieEngine);
storeContract("Redis (standalone)", () => redisEngine("standalone"));
storeContract("Redis (cluster of three masters)", () => redisEngine("cluster"));
storeContract("cached_db (Redis in front of libSQL)", async () => withClose(await cachedDbEngine("standalone")));
storeContract("cached_db (Redis Cluster in front of libSQL)", async () => withClose(await cachedDbEngine("cluster")));
after(stopRedisServers);
