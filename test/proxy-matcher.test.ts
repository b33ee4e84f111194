import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderWrites } from "../app/render-writes";
import { config } from "../proxy";

describe("proxy matcher", () => {
  it("lists exactly the pages with render-time writes (the cookie engine runs them in the proxy)", () => {
    const source = config.matcher[1].source;
    const paths = source.slice(2, -1).split("|").map((p) => `/${p}`);
    assert.deepEqual(paths.sort(), renderWrites.map((w) => w.path).sort());
  });

  it("skips a browser that carries the checked cookie, and every prefetch", () => {
    const [pages, writes] = config.matcher;
    assert.ok(pages.missing.some((c) => c.type === "cookie" && c.key === "session_checked"));
    for (const rule of [pages, writes]) assert.ok(rule.missing.some((c) => c.key === "next-router-prefetch"));
  });
});
