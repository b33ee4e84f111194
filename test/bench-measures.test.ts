// The bench's instruments (scripts/bench): the CPU time of a server's whole process tree, every
// thread and child process counted; per-round ratios reported as median and range; and a round
// of /library refused when the page did not count every visit it was sent.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { treeCpuSeconds } from "../scripts/bench/cpu";
import { visitCount } from "../scripts/bench/http";
import { checkCounted, type Round, type Target } from "../scripts/bench/rounds";
import { cpuAdvantage, median, spread } from "../scripts/bench/summary";

/**
 * A process that burns CPU on its main thread, in a worker thread and in a child process, then
 * prints the CPU time each reported for itself and stays alive (as a server does) until stdin closes.
 */
const BURNER = `
const { Worker } = require("node:worker_threads");
const { spawn } = require("node:child_process");
const spin = "const end = Date.now() + 400; while (Date.now() < end);";
const seconds = (u) => (u.user + u.system) / 1e6;
const child = spawn(process.execPath, ["-e", spin + "console.log(JSON.stringify((process.cpuUsage().user + process.cpuUsage().system) / 1e6)); process.stdin.resume();"], { stdio: ["pipe", "pipe", "inherit"] });
const worker = new Worker(spin, { eval: true });
eval(spin);
worker.on("exit", () => child.stdout.once("data", (d) => {
  console.log(JSON.stringify({ own: seconds(process.cpuUsage()), child: Number(d) }));
  process.stdin.once("end", () => { child.stdin.end(); }).resume();
}));
`;

describe("bench instruments", () => {
  it("counts the CPU time of every thread and child process of a server", async () => {
    const burner = spawn(process.execPath, ["-e", BURNER], { stdio: ["pipe", "pipe", "inherit"] });
    const [line] = (await once(burner.stdout, "data")) as [Buffer];
    const reported = JSON.parse(line.toString()) as { own: number; child: number };
    const measured = treeCpuSeconds(burner.pid!);
    burner.stdin.end();
    const expected = reported.own + reported.child; // process.cpuUsage() counts all of a process's threads
    assert.ok(reported.own > 0.3 && reported.child > 0.1, `the burner burned ${JSON.stringify(reported)}`);
    // Clock ticks of 10 ms, read per process: a few ticks either way.
    assert.ok(Math.abs(measured - expected) < 0.05 + 0.05 * expected, `tree ${measured} s, the processes reported ${expected} s`);
  });

  it("reports per-round ratios as median and range, so a bad round shows", () => {
    const round = (cpuMsPerRequest: number) => ({ cpuMsPerRequest }) as Round;
    const ours = [3, 3, 6].map(round);
    const django = [3, 4.5, 3].map(round);
    // The sides' medians can tell another story than the rounds' ratios: both are reported.
    assert.deepEqual(cpuAdvantage(ours, django), { median: 1, min: 0.5, max: 1.5, count: 3, ofMedians: 1 });
    assert.deepEqual(cpuAdvantage([1, 4, 4].map(round), [2, 2, 8].map(round)), { median: 2, min: 0.5, max: 2, count: 3, ofMedians: 0.5 });
    assert.equal(median([1, 2, 3, 4]), 2.5);
    assert.deepEqual(spread([2]), { median: 2, min: 2, max: 2, count: 1 });
  });

  it("refuses a round whose page did not count every visit wrk made, reading the count as React renders it", async () => {
    // A page that shows its count the way /library does, and counts only the visits `counting` allows.
    let count = 0;
    let counting = true;
    const page = createServer((_request, response) => {
      if (counting) count++;
      response.end(`<p>You have visited this page <!-- -->${count}<!-- --> <!-- -->times<!-- -->.</p>`);
    });
    page.listen(0, "127.0.0.1");
    await once(page, "listening");
    const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}/library`;
    const target: Target = { name: "page", url, pid: process.pid, countsVisits: true };
    const visit = () => fetch(url).then((r) => r.text());
    try {
      const before = await visitCount(target);
      for (let i = 0; i < 20; i++) await visit();
      await checkCounted(target, before, 20);
      counting = false; // a budget refusing the increments: the page still answers 200
      const refusedFrom = await visitCount(target);
      for (let i = 0; i < 20; i++) await visit();
      await assert.rejects(checkCounted(target, refusedFrom, 20), /page \(.*\/library\) counted -1 of the 20 visits wrk made/);
    } finally {
      page.close();
    }
  });
});
