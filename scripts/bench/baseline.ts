// This checkout against another one (`--baseline=<dir>`: a checkout whose `.next-bench` is built,
// e.g. a `git worktree` of the commit before a change), side by side in alternating rounds, by
// CPU time per request: whether a change kept the pages' cost within noise.
import { existsSync } from "node:fs";
import path from "node:path";
import { note, report } from "./figures";
import { sessionCookie } from "./http";
import { alternateRounds, type Round, type Target } from "./rounds";
import { DIST_DIR, ensureBuild, startServer, type Server } from "./servers";
import { tempDbFile } from "./store";
import { cpuAdvantage, describeSide, fmtSpread } from "./summary";

export interface BaselinePlan {
  rounds: number;
  seconds: number;
}

const PAGES = ["/library", "/"];

type Pair = { ours: Round[]; base: Round[] };

async function measurePage(page: string, servers: [Server, Server], cookies: [string, string], plan: BaselinePlan): Promise<Pair> {
  const targets: Target[] = servers.map((server, i) => ({ name: i === 0 ? "this checkout" : "the baseline", url: server.url + page, headers: { cookie: cookies[i] }, pid: server.pid, countsVisits: page === "/library" }));
  const [ours, base] = await alternateRounds(`baseline ${page}`, targets, { ...plan, mode: "keep-alive" });
  return { ours, base };
}

/** One pass: both servers started (in `order`), each page measured side by side. */
async function pass(baseline: string, baseFirst: boolean, plan: BaselinePlan): Promise<Pair[]> {
  const start = (which: "this" | "base", port: number) => (which === "this" ? startServer(port, tempDbFile("this")) : startServer(port, tempDbFile("baseline"), 1, {}, baseline));
  const first = await start(baseFirst ? "base" : "this", 4131);
  const second = await start(baseFirst ? "this" : "base", 4132);
  const servers: [Server, Server] = baseFirst ? [second, first] : [first, second];
  try {
    const cookies: [string, string] = [await sessionCookie(servers[0].url), await sessionCookie(servers[1].url)];
    const pairs: Pair[] = [];
    for (const page of PAGES) pairs.push(await measurePage(page, servers, cookies, plan));
    return pairs;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * Two passes, the second with the servers started in the other order and on each other's
 * ports: in one order alone, whichever server started first read slower on /library with the
 * checkouts swapped (docs/DESIGN.md), a difference that is not the code's.
 */
export async function baselineFigures(dir: string, plan: BaselinePlan): Promise<void> {
  const baseline = path.resolve(dir);
  if (!existsSync(path.join(baseline, DIST_DIR, "BUILD_ID"))) throw new Error(`no build in ${baseline}/${DIST_DIR}: build it there first (NEXT_DIST_DIR=${DIST_DIR} next build)`);
  ensureBuild();
  const [a, b] = [await pass(baseline, false, plan), await pass(baseline, true, plan)];
  PAGES.forEach((page, i) => {
    const ours = [...a[i].ours, ...b[i].ours];
    const base = [...a[i].base, ...b[i].base];
    report({ name: `baseline ${page}`, value: `${fmtSpread(cpuAdvantage(ours, base))} (the baseline's CPU/request ÷ this checkout's, both start orders)`, goal: "within noise of 1" });
    note(`baseline ${page}, this checkout: ${describeSide(ours)}; the baseline: ${describeSide(base)}.`);
  });
  note("A baseline built before `compress: false` (next.config.ts) gzips every page for wrk's Accept-Encoding: about 16 % of its CPU per request that this checkout does not spend.");
}
