// `npm run bench` (`-- --quick` for a smoke run of a few minutes): what sessions cost, and how
// ours compares with Django on its own pages. Prints each figure with its goal; a full run (or
// `--write`) writes docs/PERFORMANCE.md and its chart; a quick one, or one phase (`--only=`), only
// prints. `--baseline=<checkout>` adds this build against another checkout's, side by side.
import { execFileSync } from "node:child_process";
import { openDatabase } from "../../lib/db/client";
import { prepareDatabase } from "../../lib/db/prepare";
import { capacityFigures } from "./capacity";
import { engineFigures } from "./engines";
import { bars, figures, fmt, notes, report, skip, skipped } from "./figures";
import { serverNodes, switchServerNode } from "./node";
import { nodeFigures } from "./nodes";
import { writeReport } from "./report";
import { sessionsFigures } from "./sessions";
import { baselineFigures } from "./baseline";
import { alternateOps, fillRows, opsPerSecond, storeFixture, tempDbFile } from "./store";
import { djangoFigures } from "./versus";
import { wrkReady } from "./wrk";

const quick = process.argv.includes("--quick");
const write = (!quick && !process.argv.some((arg) => arg.startsWith("--only="))) || process.argv.includes("--write");
/** `--only=django` (or sessions, store, clear, engines, capacity, nodes, baseline; several with commas): those phases, for working on them. */
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length).split(",");
const plan = quick
  ? {
      http: { rounds: 3, seconds: 3, steadyRounds: 4 },
      versus: { rounds: 3, seconds: 3, processCounts: [1] },
      rounds: 3, storeMs: 700, bigRows: 100_000, smallRows: 10_000, clearRows: 100_000,
      engines: { rows: 10_000, opRounds: 2, opMs: 400, httpRounds: 3, httpSeconds: 3 },
      capacity: { sessions: 10_000, rows: 100_000 },
    }
  : {
      http: { rounds: 6, seconds: 6, steadyRounds: 10 },
      versus: { rounds: 6, seconds: 6, processCounts: [1] },
      rounds: 6, storeMs: 2000, bigRows: 1_000_000, smallRows: 10_000, clearRows: 1_000_000,
      engines: { rows: 10_000, opRounds: 3, opMs: 1000, httpRounds: 3, httpSeconds: 5 },
      capacity: { sessions: 10_000, rows: 1_000_000 },
    };

/** HTTP figures need wrk; without it they are skipped with the one command to install it. */
const http = wrkReady();
/** The phases that make HTTP requests: without wrk they are skipped, and said to be. */
const HTTP_PHASES = ["django", "sessions", "engines", "nodes", "baseline"];
if (!http && (!only || only.some((phase) => HTTP_PHASES.includes(phase)))) skip("every HTTP figure (wrk is not installed)");
/** The Nodes the servers run on: the django and sessions phases run once on each. */
const nodes = serverNodes(!quick && !only);
switchServerNode(nodes[0]);
console.log(`servers on ${nodes.map((n) => `Node ${n.version} (${n.path})`).join(" and ")}; the bench itself on ${process.version}`);

async function storeFigures(): Promise<void> {
  const small = await storeFixture(plan.smallRows);
  const big = await storeFixture(plan.bigRows);
  const [atSmall, atBig] = await alternateOps([small, big], "load+save", plan.rounds, plan.storeMs);
  const label = `${fmt(plan.bigRows)} rows`;
  report({ name: "store-scaling", value: fmt(atBig / atSmall, 3), goal: "≥ 0.9", met: atBig / atSmall >= 0.9 });
  notes.push(`load+save at ${fmt(plan.smallRows)} rows: ${fmt(atSmall)}/s; at ${label}: ${fmt(atBig)}/s.`);
  const raw = await opsPerSecond(big, "raw-lookup", plan.storeMs);
  for (const op of ["load+save", "increment", "cycleKey"] as const) {
    const perSecond = op === "load+save" ? atBig : await opsPerSecond(big, op, plan.storeMs);
    report({ name: `store-ops ${op}`, value: `${fmt(perSecond)}/s at ${label} (${fmt(perSecond / raw, 2)} × raw-lookup)`, goal: "" });
  }
  report({ name: "raw-lookup", value: `${fmt(raw)}/s (bare primary-key SELECT, through the same prepared statements)`, goal: "" });
  for (const f of [big, small]) await f.close();
}

async function clearFigure(): Promise<void> {
  const file = tempDbFile("clear");
  const db = openDatabase(`file:${file}`);
  await prepareDatabase(db);
  await fillRows(db, plan.clearRows, { expired: true });
  await fillRows(db, 1000);
  db.$client.close();
  const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/clear-sessions.ts"], {
    env: { ...process.env, DATABASE_URL: `file:${file}` },
  }).toString();
  const [, deleted, seconds, rss] = out.match(/Deleted (\d+) .* in ([\d.]+) s \(peak RSS (\d+) MB\)/) ?? [];
  if (Number(deleted) !== plan.clearRows) throw new Error(`sessions:clear deleted ${deleted}, expected ${plan.clearRows}: ${out}`);
  const name = plan.clearRows === 1_000_000 ? "clear-1m" : `clear-${plan.clearRows / 1000}k`;
  const bounded = Number(rss) < 400; // a 100,000-row batch and a 64 MB page cache, not the table
  report({ name, value: `${seconds} s, peak RSS ${rss} MB`, goal: "< 10 s, peak RSS < 400 MB", met: Number(seconds) < 10 && bounded });
}

/** A phase once on each server Node, in turn; the other phases run on the first. */
async function onEachNode(phase: () => Promise<void>): Promise<void> {
  if (!http) return;
  for (const node of nodes) {
    switchServerNode(node);
    await phase();
  }
  switchServerNode(nodes[0]);
}

const PHASES: Record<string, () => Promise<void>> = {
  django: () => onEachNode(() => djangoFigures(plan.versus)),
  sessions: () => onEachNode(() => sessionsFigures(plan.http)),
  store: storeFigures,
  clear: clearFigure,
  engines: () => engineFigures(plan.engines, http),
  capacity: () => capacityFigures(plan.capacity),
  nodes: () => (http ? nodeFigures(nodes, { ...plan.versus, mode: "close" }) : Promise.resolve()),
};
// Against another checkout's build only when asked (`--baseline=<dir>`): a change's own cost.
const baseline = process.argv.find((arg) => arg.startsWith("--baseline="))?.slice("--baseline=".length);
if (baseline) PHASES.baseline = () => (http ? baselineFigures(baseline, plan.http) : Promise.resolve());
for (const [name, phase] of Object.entries(PHASES)) {
  if (only && !only.includes(name)) continue;
  await phase();
  // Written after each phase, so a run cut short still leaves what it measured.
  if (write) writeReport(figures, bars, notes, quick, nodes);
}
const missed = figures.filter((f) => f.met === false).map((f) => f.name);
console.log(missed.length ? `goals not met: ${missed.join(", ")}` : skipped.length ? "every goal measured was met" : "every goal met");
if (skipped.length) console.log(`not measured: ${skipped.join("; ")}`);
if (write) {
  console.log("wrote docs/PERFORMANCE.md and docs/performance.svg");
} else {
  console.log("a quick or one-phase run: docs/PERFORMANCE.md left as it was (add --write to write it)");
}
