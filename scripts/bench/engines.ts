// The engines of the registry (lib/engines.ts) side by side. Store operations straight through the
// library on each server-side engine (cookie keeps nothing there), then /library over HTTP on each
// engine against db at as many processes: every engine at one process, and cache at 2 and 4 processes sharing
// one Redis against db at as many sharing one libSQL file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENGINE_NAMES, ENGINES, engineNamed, type EngineDefinition, type EngineResources } from "../../lib/engines";
import { detachedSession, newSessionKey, type SessionStore } from "../../lib/session/testing";
import { openRedis } from "../../lib/session/redis";
import { libsqlConnection } from "../../lib/sessions";
import { fmt, note, report } from "./figures";
import { sessionCookie } from "./http";
import { alternateRounds, type Round, type Target } from "./rounds";
import { withRedis } from "./redis";
import { BENCH_SECRET, ensureBuild, startServer, type Server } from "./servers";
import { cpuAdvantage, describeSide, fmtSpread, median } from "./summary";
import { alternateOps, hotFixture, libsqlFile, loadEach, SESSION_OPTIONS, tempDbFile, type StoreFixture } from "./store";

export interface EnginesPlan {
  /** Rows in each libSQL table (db's, and cached_db's store of record). */
  rows: number;
  /** Store ops: alternating rounds of `opMs` per engine and op. */
  opRounds: number;
  opMs: number;
  /** HTTP: alternating rounds of `httpSeconds` per side. */
  httpRounds: number;
  httpSeconds: number;
}

/** store.ts's ops, and a load alone: what a page that only reads the session costs (cached_db's case for a cache). */
const OPS = ["load", "load+save", "increment", "cycleKey"] as const;

/** What the Redis client and the cache report while the ops run: any line means a figure measured a fault, not the engine. */
const faults: string[] = [];
const onFault = (message: string) => void faults.push(message);

/** An engine's store for the op loop, on the resources it needs: a libSQL table of `rows` rows, the shared redis-server, a fresh directory. */
async function storeOf(definition: EngineDefinition, rows: number, redisUrl: string): Promise<StoreFixture> {
  const needs = new Set(definition.needs);
  const file = needs.has("libsql") ? await libsqlFile(rows) : undefined;
  const redis = needs.has("redis") ? openRedis({ url: redisUrl }, onFault) : undefined;
  const directory = needs.has("directory") ? mkdtempSync(path.join(tmpdir(), "bench-files-")) : undefined;
  const resources: EngineResources = {
    libsql: file && (() => libsqlConnection(file.db)),
    redis: redis && (() => ({ connection: redis.connection, log: onFault })),
    directory: directory === undefined ? undefined : () => directory,
  };
  const engine = definition.build(resources, { secrets: [BENCH_SECRET], cookieName: "sessionid" });
  const store = engine.open().store;
  if (directory !== undefined) await fillThroughStore(store, rows);
  return hotFixture(store, async () => {
    await redis?.close();
    await file?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
}

/** Writes `rows` sessions through the store, 64 at a time: the filler of an engine with no bulk insert (a directory of files). */
async function fillThroughStore(store: SessionStore, rows: number): Promise<void> {
  for (let done = 0; done < rows; done += 64) {
    const batch = Array.from({ length: Math.min(64, rows - done) }, () => detachedSession(store, SESSION_OPTIONS, newSessionKey()).increment("num_visits"));
    await Promise.all(batch);
  }
}

/** The store ops of each engine keeping a directory, at `rows` and ten times as many sessions, alternating: whether the directory's size slows them. */
async function directoryScale(plan: EnginesPlan, redisUrl: string): Promise<void> {
  for (const definition of SERVER_SIDE.filter((engine) => engine.needs.includes("directory"))) {
    const sizes = [plan.rows, plan.rows * 10];
    const fixtures: StoreFixture[] = [];
    try {
      for (const rows of sizes) fixtures.push(await storeOf(definition, rows, redisUrl));
      await alternateOps(fixtures, "load+save", 1, plan.opMs); // warm-up, not counted
      const ops = ["load", "load+save", "increment"] as const;
      const perOp: number[][] = [];
      for (const op of ops) perOp.push(await alternateOps(fixtures, op, plan.opRounds, plan.opMs));
      for (const [i, rows] of sizes.entries()) {
        report({ name: `engine-ops ${definition.name} at ${fmt(rows)} sessions`, value: ops.map((op, j) => `${op} ${fmt(perOp[j][i])}/s`).join(", "), goal: "" });
      }
    } finally {
      for (const f of fixtures) await f.close();
    }
  }
}

/** The engines keeping sessions server-side (cookie keeps nothing there). */
const SERVER_SIDE = ENGINES.filter((engine) => engine.serverSide);

async function storeOps(plan: EnginesPlan, redisUrl: string): Promise<void> {
  const engines = SERVER_SIDE.map((engine) => engine.name);
  const fixtures: StoreFixture[] = [];
  try {
    for (const engine of SERVER_SIDE) fixtures.push(await storeOf(engine, plan.rows, redisUrl));
    await alternateOps(fixtures, "load+save", 1, plan.opMs); // warm-up, not counted: the JIT, the scripts loaded into Redis
    for (const f of fixtures) await loadEach(f); // "load" goes first, on filled cache entries
    const perOp: number[][] = [];
    for (const op of OPS) perOp.push(await alternateOps(fixtures, op, plan.opRounds, plan.opMs));
    if (faults.length > 0) throw new Error(`the Redis client or the cache reported faults during the store ops: ${faults.join("; ")}`);
    for (const [i, engine] of engines.entries()) {
      report({ name: `engine-ops ${engine}`, value: OPS.map((op, j) => `${op} ${fmt(perOp[j][i])}/s`).join(", "), goal: "" });
    }
    note(
      `engine-ops: one op at a time through detachedSession, ${plan.opRounds} rounds of ${plan.opMs} ms alternating across engines; libSQL tables of ` +
        `${fmt(plan.rows)} rows beside the ${fmt(fixtures[0].keys.length)} operated on; redis-server on the same machine over loopback TCP. cached_db's ` +
        "load+save never hits the cache: each save drops the entry, so the next load misses, takes a lease, reads libSQL and fills Redis before the save " +
        "writes libSQL and drops it again; its load alone is a cache hit once the first load filled the entry (entries live a minute).",
    );
  } finally {
    for (const f of fixtures) await f.close();
  }
}

/** `--engines=cookie,cache`: the HTTP figures of those engines only (for working on one). */
const chosen = process.argv.find((arg) => arg.startsWith("--engines="))?.slice("--engines=".length).split(",");

/** Which engines run against db at each process count (two servers up at a time: this machine has 2 cores). */
const HTTP_RUNS = [
  { processes: 1, engines: ENGINE_NAMES.filter((name) => name !== "db") },
  { processes: 2, engines: ["cache"] },
  { processes: 4, engines: ["cache"] },
].map((run) => ({ ...run, engines: run.engines.filter((name) => !chosen || chosen.includes(name)) }));

function start(port: number, engine: string, processes: number, redisUrl: string): Promise<Server> {
  // REDIS_CLUSTER_NODES emptied: it would win over REDIS_URL if the shell running the bench set it.
  const directory: Record<string, string> = engineNamed(engine).needs.includes("directory") ? { SESSION_FILE_PATH: mkdtempSync(path.join(tmpdir(), `bench-${engine}-`)) } : {};
  return startServer(port, tempDbFile(`engines-${engine}-${processes}`), processes, { SESSION_ENGINE: engine, REDIS_URL: redisUrl, REDIS_CLUSTER_NODES: "", ...directory });
}

/** redis-server's process id (INFO server), so the cache engines' CPU per request counts the store's work as db's counts libSQL's (in-process). */
function redisPid(redisUrl: string): number {
  const info = execFileSync("redis-cli", ["-u", redisUrl, "INFO", "server"]).toString();
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

async function library(server: Server, engine: string, redisUrl: string): Promise<Target> {
  const helperPids = engineNamed(engine).needs.includes("redis") ? [redisPid(redisUrl)] : [];
  // The cookie engine's count lives in the cookie wrk resends unchanged: its visits cannot add up.
  const countsVisits = engine !== "cookie";
  return { name: engine, url: `${server.url}/library`, headers: { cookie: await sessionCookie(server.url) }, pid: server.pid, helperPids, countsVisits };
}

/** One engine's /library against db's beside it: CPU per request (db's ÷ the engine's, above 1 when the engine uses less) and req/s. */
function reportEngine(engine: string, processes: number, db: Round[], other: Round[]): void {
  const advantage = cpuAdvantage(other, db);
  const goal = engine === "cookie" && processes === 1 ? { goal: "db's CPU/request ÷ cookie's ≥ 0.9", met: advantage.median >= 0.9 } : { goal: "" };
  report({ name: `engine-http ${engine} ×${processes}`, value: `${fmtSpread(advantage)} (db's CPU/request ÷ ${engine}'s)`, ...goal });
  note(`engine-http ${engine} ×${processes}: ${describeSide(other)}; db beside it: ${describeSide(db)}.`);
}

/**
 * One engine against db in one start order (`dbFirst`), on fresh servers: of two identical
 * servers the first started read 0.70–0.82 × the other on /library (docs/DESIGN.md), so each
 * pair is measured in both orders and their rounds pooled.
 */
async function pass(engine: string, processes: number, dbFirst: boolean, plan: EnginesPlan, redisUrl: string): Promise<[Round[], Round[]]> {
  const names = dbFirst ? ["db", engine] : [engine, "db"];
  const first = await start(4131, names[0], processes, redisUrl);
  try {
    const second = await start(4132, names[1], processes, redisUrl);
    try {
      const [db, other] = dbFirst ? [first, second] : [second, first];
      const rounds = { rounds: plan.httpRounds, seconds: plan.httpSeconds, mode: "keep-alive" as const };
      const order = dbFirst ? "db started first" : `${engine} started first`;
      const [d, o] = await alternateRounds(`engine-http ${engine} ×${processes} against db, ${order}`, [await library(db, "db", redisUrl), await library(other, engine, redisUrl)], rounds);
      return [d, o];
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
  }
}

async function httpFigures(plan: EnginesPlan, redisUrl: string): Promise<void> {
  ensureBuild();
  const rates = new Map<string, number>();
  const rate = (rounds: Round[]) => median(rounds.map((r) => r.requestsPerSecond));
  for (const { processes, engines } of HTTP_RUNS) {
    for (const engine of engines) {
      const [d1, o1] = await pass(engine, processes, true, plan, redisUrl);
      const [d2, o2] = await pass(engine, processes, false, plan, redisUrl);
      const [d, o] = [[...d1, ...d2], [...o1, ...o2]];
      reportEngine(engine, processes, d, o);
      rates.set(`${engine} ×${processes}`, rate(o));
      rates.set(`db ×${processes} beside ${engine}`, rate(d));
    }
  }
  note(
    `engine-http: /library (load, count the visit atomically, save, render) on each engine against db at as many processes, in both start orders on fresh servers, ${plan.httpRounds} alternating ` +
      `rounds of ${plan.httpSeconds} s in each, wrk -t2 -c10 keep-alive, the CPU of redis-server counted with the cache engines' (libSQL runs inside the server); ×2 and ×4 are start:cluster workers sharing one Redis (cache) or one libSQL file (db). ` +
      `Median req/s: ${[...rates].map(([what, rps]) => `${what} ${fmt(rps)}`).join(", ")}. This machine has 2 cores and wrk runs on ` +
      "them too: past 2 processes the workers contend with each other and with the load generator, so ×4 shows that contention, not what 4 cores would give.",
  );
}

/** The store ops, then (when wrk is here: `http`) /library on each engine. */
export async function engineFigures(plan: EnginesPlan, http: boolean): Promise<void> {
  await withRedis("The engines phase", async (redis) => {
    await storeOps(plan, redis.url);
    await directoryScale(plan, redis.url);
    if (http) await httpFigures(plan, redis.url);
  });
}
