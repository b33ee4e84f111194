// Which Node.js a server runs on, and what it runs with (scripts/node-lts.mjs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { endOfLifeWarning, serverFlags } from "../scripts/node-lts.mjs";

/** The young generation's size after a burst of allocation in a Node started with `flags`, in MB. */
function grownNewSpaceMb(flags: string[]): number {
  const script = `const kept = []; for (let i = 0; i < 3e6; i++) kept.push({ i });
    const space = require("node:v8").getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    console.log(space.space_size / 2 ** 20);`;
  return Number(execFileSync(process.execPath, [...flags, "-e", script], { encoding: "utf8" }));
}

describe("node-lts", () => {
  it("warns of a Node past its end of life, and of a line that is not LTS, and not of a supported LTS", () => {
    const today = new Date("2026-12-06");
    assert.match(endOfLifeWarning("20.20.2", today) ?? "", /20\.20\.2 reached its end of life on 2026-04-30/);
    assert.match(endOfLifeWarning("23.1.0", today) ?? "", /not a long-term-support line/);
    assert.equal(endOfLifeWarning("24.21.0", today), null);
    assert.equal(endOfLifeWarning("20.20.2", new Date("2026-01-01")), null);
  });

  it("a server on Node 20 gets a smaller young generation; on Node 24 V8's own size, with or without the v of `node --version`", () => {
    assert.deepEqual(serverFlags("20.20.2"), ["--max-semi-space-size=8"]);
    assert.deepEqual(serverFlags("v20.9.0"), ["--max-semi-space-size=8"]);
    assert.deepEqual(serverFlags("24.21.0"), []);
    assert.deepEqual(serverFlags("v24.21.0"), []);
  });

  it("a young generation the operator sized (NODE_OPTIONS, or the starting process's own flags) is left as they chose", () => {
    assert.deepEqual(serverFlags("20.20.2", "--max-old-space-size=512"), ["--max-semi-space-size=8"]);
    assert.deepEqual(serverFlags("20.20.2", "--max-semi-space-size=32"), []);
    assert.deepEqual(serverFlags("20.20.2", "--import tsx --max_semi_space_size=4"), []);
    assert.deepEqual(serverFlags("20.20.2", "--max-semi-space-size 16"), []);
    assert.deepEqual(serverFlags("20.20.2", "--min-semi-space-size=16"), [], "a maximum of 8 would cap the operator's minimum");
    for (const other of ["--max-semi-space-size-foo", "--title=--max-semi-space-size", "--require ./--max_semi_space_size.js"]) {
      assert.deepEqual(serverFlags("20.20.2", other), ["--max-semi-space-size=8"], other);
    }
  });

  it("this Node accepts the flags, and on Node 20 they halve its young generation", () => {
    const flags = serverFlags();
    const withFlags = grownNewSpaceMb(flags);
    if (flags.length === 0) return assert.ok(withFlags > 0);
    assert.ok(withFlags <= 16, `two 8 MB semi-spaces at most, got ${withFlags} MB`);
    assert.ok(grownNewSpaceMb([]) > withFlags, "V8's default is larger");
  });

  // Next renames its process ("next-server"), which overwrites the command line /proc shows, so
  // the flags cannot be read back from a running server: every way one starts is checked to pass them.
  it("every way a server starts passes them on its command line", () => {
    for (const file of ["scripts/start.mjs", "scripts/start-cluster.mjs", "scripts/bench/servers.ts", "e2e/server.ts", "playwright.config.ts"]) {
      assert.match(readFileSync(file, "utf8"), /\.\.\.serverFlags\(|\$\{serverFlags\(\)\.join\(" "\)\}/, file);
    }
  });
});
