// Load, save and increment per second on the file engine with N sessions already in the directory.
// Usage: node --import tsx scripts/bench-file-store.ts [sessions=10000] [ops=3000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FileStore, newSessionKey, type WriteContext } from "../lib/session";

const [sessions = 10_000, ops = 3000] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(path.join(tmpdir(), "bench-file-"));
const store = new FileStore(dir);
const ctx: WriteContext = { expiresAt: Date.now() + 3_600_000, maxBytes: 65_536, userAgent: "bench" };
const keys = Array.from({ length: sessions }, () => newSessionKey());

async function timed(label: string, count: number, op: (i: number) => Promise<unknown>, concurrency = 8): Promise<void> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < count) await op(next++); }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${Math.round(count / seconds)}/s (${Math.round((used.user + used.system) / count)} µs CPU each) at ${sessions} sessions`);
}

await timed("fill", sessions, (i) => store.save(keys[i], { set: { num_visits: 1, cart: ["apple"] }, removed: [], replaceAll: false }, ctx), 16);
const pick = (i: number) => keys[(i * 7919) % sessions];
await timed("load", ops, (i) => store.load(pick(i)));
await timed("save", ops, (i) => store.save(pick(i), { set: { last: i }, removed: [], replaceAll: false }, ctx));
await timed("increment", ops, (i) => store.increment(pick(i), "num_visits", 1, ctx));
await timed("increment (one session, 8 at a time)", ops, () => store.increment(keys[0], "hits", 1, ctx));
rmSync(dir, { recursive: true, force: true });
