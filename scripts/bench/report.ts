// docs/PERFORMANCE.md and its chart, written from one run's figures.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import type { ServerNode } from "./node";
import { WARM_UP_MAX_S, WARM_UP_REQUESTS } from "./rounds";
import { wrkVersion } from "./wrk";

export interface Figure {
  name: string;
  value: string;
  goal: string;
  met?: boolean;
}

export interface Bar {
  label: string;
  value: number;
}

/** The sections after the generated part (measured by hand, e.g. issue 21's budget): kept as they are. */
function sectionsKept(file: string): string {
  if (!existsSync(file)) return "";
  const text = readFileSync(file, "utf8");
  const at = text.indexOf("\n## ");
  return at < 0 ? "" : text.slice(at);
}

function version(pkg: string): string {
  return (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;
}

function svgChart(title: string, bars: Bar[]): string {
  const width = 640;
  const rowHeight = 34;
  const labelWidth = 230;
  const max = Math.max(...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = 40 + i * rowHeight;
    const w = Math.max(1, ((width - labelWidth - 90) * b.value) / max);
    return `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${b.label}</text>
<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="24" fill="#0c4b33"/>
<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 17}">${b.value < 100 ? b.value.toFixed(2) : Math.round(b.value)}</text>`;
  });
  const height = 50 + bars.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<text x="10" y="22" font-size="15" font-weight="bold">${title}</text>
${rows.join("\n")}
</svg>
`;
}

export function writeReport(figures: Figure[], bars: Bar[], notes: string[], quick: boolean, nodes: ServerNode[]): void {
  mkdirSync("docs", { recursive: true });
  writeFileSync("docs/performance.svg", svgChart("/library, CPU time per request (ms; shorter is better)", bars));
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const sqlite = execSync(`node -e "require('@libsql/client').createClient({url:':memory:'}).execute('select sqlite_version() v').then(r=>console.log(r.rows[0].v))"`)
    .toString()
    .trim();
  const table = figures.map((f) => `| ${f.name} | ${f.value} | ${f.goal} | ${f.met === undefined ? "" : f.met ? "yes" : "**no**"} |`);
  const text = `# Performance

Written by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.
${quick ? "\n**A quick smoke run**: fewer rows and shorter rounds than the full run; read the ratios, not the absolute numbers.\n" : ""}
Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; servers on ${nodes.map((n) => `Node ${n.version}`).join(" and ")},
Next ${version("next")}, @libsql/client ${version("@libsql/client")} (SQLite ${sqlite}), drizzle-orm ${version("drizzle-orm")},
iron-session ${version("iron-session")}; wrk ${wrkVersion()} (-t2 -c10) as the load generator on the same machine.

The primary figure is **CPU time per request**: the utime + stime of a server's whole process
tree (every process and thread, from /proc) over a measured round ÷ the requests wrk completed in
it. It depends far less than req/s on what else the machine is doing (docs/DESIGN.md); req/s and
wrk's p50/p99 are given beside it. Every ratio comes from rounds that alternate between its sides (a b, b a, …; with more sides a b c, c b a)
and is given as the median of the per-round ratios with their range, and beside it the ratio of
the two sides' medians (on a noisy machine the two statistics can differ by 10–20 %; the verdict
is the first's). Each URL is first loaded until warm (${WARM_UP_REQUESTS.toLocaleString("en-US")} requests per server process, or ${WARM_UP_MAX_S} s
if that comes first, which on a busy machine it can: a cold Next server spends several
times the CPU of a warm one), uncounted; the notes give what each warm-up served and cost. Against Django the primary
figures send \`Connection: close\` to both servers (gunicorn's sync workers close every
connection; so does a proxy's default upstream), with keep-alive beside them; figures of our
server against itself use keep-alive. wrk sends Chromium's \`Accept-Encoding\` to every server
(neither ours nor Django compresses). Any answer but a 2xx fails a round, and every \`/library\`
visit must be counted: the servers lift the per-client budget of anonymous data, which would refuse
most of wrk's visits from its one address (docs/DESIGN.md), and each round of a server that counts
visits checks that its count moved by every visit wrk made, or the run fails.${nodes.length > 1 ? ` The comparison with Django and our server against itself ran on each Node in turn (each figure names its Node); the store, cleanup, engine and capacity figures on Node ${nodes[0].version}.` : ""} RSS is the largest resident size of one server process
sampled each second under load.

| figure | value | goal | met |
|---|---|---|---|
${table.join("\n")}

![CPU time per request](performance.svg)

${notes.map((n) => `- ${n}`).join("\n")}
${sectionsKept("docs/PERFORMANCE.md")}`;
  writeFileSync("docs/PERFORMANCE.md", text);
}
