// What one client that is not signed in can make the server store, against a running `next start`
// of the db engine: cookie-less PATCH /api/session with 60 KB values (same-origin headers, as a script
// sets them) and cookie-less GET /library, for a few seconds each; rows/s and bytes/s from the database.
// Usage: node scripts/measure-anonymous-budget.mjs http://localhost:3000 data/sessions.db [seconds]
import { createClient } from "@libsql/client";
import { statSync } from "node:fs";

const [base, dbFile, seconds = "5"] = process.argv.slice(2);
if (!base || !dbFile) throw new Error("usage: measure-anonymous-budget.mjs BASE_URL DB_FILE [SECONDS]");
const db = createClient({ url: `file:${dbFile}` });

async function stored() {
  const row = (await db.execute("SELECT count(*) AS n, coalesce(sum(length(CAST(data AS BLOB))), 0) AS bytes FROM sessions")).rows[0];
  const size = (suffix) => { try { return statSync(dbFile + suffix).size; } catch { return 0; } };
  return { rows: Number(row.n), bytes: Number(row.bytes), file: size("") + size("-wal") };
}

async function measure(name, request) {
  const before = await stored();
  const statuses = new Map();
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < Number(seconds) * 1000) {
    const response = await request();
    await response.arrayBuffer();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    sent++;
  }
  const elapsed = (Date.now() - started) / 1000;
  const after = await stored();
  const per = (n) => (n / elapsed).toFixed(1);
  console.log(`${name}: ${sent} requests in ${elapsed.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`  rows +${after.rows - before.rows} (${per(after.rows - before.rows)}/s), data +${after.bytes - before.bytes} B (${per(after.bytes - before.bytes)} B/s), file +${after.file - before.file} B`);
}

const value = "x".repeat(Number(process.env.VALUE_KB || 60) * 1024); // VALUE_KB: the size of each value
await measure(`cookie-less PATCH /api/session, ${value.length / 1024} KB`, () =>
  fetch(`${base}/api/session`, { method: "PATCH", headers: { origin: base, "content-type": "application/json" }, body: JSON.stringify({ set: { v: value } }) }),
);
await measure("cookie-less GET /library", () => fetch(`${base}/library`));
db.close();
