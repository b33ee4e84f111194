// `npm run bench` (`-- --quick` for a smoke run under two minutes): what sessions cost.
// Prints one line per figure and writes docs/PERFORMANCE.md.
import { execFileSync } from "node:child_process";
import { openDatabase } from "../../lib/db/client";
import { prepareDatabase } from "../../lib/db/prepare";
import { alternate, interleave, sessionCookie, type Comparison } from "./http";
import { writeReport, type Bar, type Figure } from "./report";
import { ensureBuild, startServer } from "./servers";
import { alternateOps, fillRows, opsPerSecond, storeFixture, tempDbFile } from "./store";

const quick = process.argv.includes("--quick");
const plan = quick
  ? { interleaved: 12, rounds: 3, seconds: 3, storeMs: 700, bigRows: 100_000, smallRows: 10_000, clearRows: 100_000 }
  : { interleaved: 60, rounds: 6, seconds: 5, storeMs: 2000, bigRows: 1_000_000, smallRows: 10_000, clearRows: 1_000_000 };
const figures: Figure[] = [];
const bars: Bar[] = [];
const notes: string[] = [];
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function report(figure: Figure): void {
  figures.push(figure);
  console.log(`${figure.name}: ${figure.value}`);
}

/** How one comparison reads in the notes. */
function comparisonNote(what: string, c: Comparison, aLabel: string, bLabel: string): string {
  return `${what}: ${aLabel} ${fmt(c.a)} req/s, ${bLabel} ${fmt(c.b)} req/s (${c.method}).`;
}

async function httpFigures(): Promise<void> {
  ensureBuild();
  const single = await startServer(4101, tempDbFile("http"));
  const cluster = await startServer(4102, tempDbFile("cluster"), 2);
  try {
    const cookie = { cookie: await sessionCookie(single.url) };
    const overhead = await interleave(single.url, ["/bench/library", "/library"], cookie, plan.interleaved);
    report({ name: "session-overhead", value: fmt(overhead.ratio, 3), goal: "≥ 0.95", met: overhead.ratio >= 0.95 });
    notes.push(comparisonNote("session-overhead", overhead, "the page without a session (/bench/library)", "/library with a session"));
    // The instrument's own resolution: the same method with the control page on both sides.
    const noise = await interleave(single.url, ["/bench/library", "/bench/library"], cookie, plan.interleaved / 2);
    report({ name: "noise-floor", value: fmt(noise.ratio, 3), goal: "(control ÷ itself, same method: how far from 1 noise alone moves a ratio)" });

    const library = { url: `${single.url}/library`, headers: cookie };
    const clustered = { url: `${cluster.url}/library`, headers: { cookie: await sessionCookie(cluster.url) } };
    const scaling = await alternate(library, clustered, plan.rounds, plan.seconds);
    report({ name: "cluster-scaling", value: fmt(scaling.ratio, 2), goal: "> 1 (2 cores, load generator on the same machine)", met: scaling.ratio > 1 });
    notes.push(comparisonNote("cluster-scaling", scaling, "/library on 1 process", "on 2 (npm run start:cluster)"));
    bars.push(
      { label: "control page, no session", value: overhead.a },
      { label: "/library, 1 process", value: overhead.b },
      { label: "/library, 2 processes", value: scaling.b },
      { label: "Django 3.2 + gunicorn ×2 (yardstick)", value: 225 },
    );
  } finally {
    await Promise.all([single.stop(), cluster.stop()]);
  }
}

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
  for (const { db, store } of [big, small]) {
    store.statements.close();
    db.$client.close();
  }
}

async function clearFigure(): Promise<void> {
  const file = tempDbFile("clear");
  const db = openDatabase(`file:${file}`);
  await prepareDatabase(db);
  await fillRows(db, plan.clearRows, true);
  await fillRows(db, 1000, false);
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

await httpFigures();
await storeFigures();
await clearFigure();
writeReport(figures, bars, notes, quick);
console.log("wrote docs/PERFORMANCE.md and docs/performance.svg");
