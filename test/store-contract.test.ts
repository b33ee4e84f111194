// The store contract (./store-contract.ts), run against every engine on each of its topologies.
import { after } from "node:test";
import { ENGINES } from "./engines";
import { stopRedisServers } from "./harness";
import { storeContract } from "./store-contract";

for (const kind of ENGINES) storeContract(kind.name, () => kind.create());
after(stopRedisServers);
