import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderWrites, tutorialValuesRequired } from "../app/render-writes";
import { config } from "../proxy";

describe("proxy matcher", () => {
  it("lists exactly the pages with render-time writes (the cookie engine runs them in the proxy)", () => {
    const source = config.matcher[1].source;
    const paths = source.slice(2, -1).split("|").map((p) => `/${p}`);
    assert.deepEqual(paths.sort(), renderWrites.map((w) => w.path).sort());
  });

  it("runs on every visit of the pages that need session data to answer 200", () => {
    assert.equal(config.matcher[2].source, tutorialValuesRequired.path);
    assert.equal("has" in config.matcher[2], false);
  });

  it("skips a browser that carries the checked cookie, every prefetch, and the route handlers under api/", () => {
    const [pages, ...rest] = config.matcher;
    assert.ok(pages.missing.some((c) => c.type === "cookie" && c.key === "session_checked"));
    for (const rule of [pages, ...rest]) assert.ok(rule.missing.some((c) => c.key === "next-router-prefetch"));
    assert.match(pages.source, /\|api\//);
  });
});
