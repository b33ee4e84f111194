// Which Node.js the project warns about at start (scripts/node-lts.mjs).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endOfLifeWarning } from "../scripts/node-lts.mjs";

describe("node-lts", () => {
  it("warns of a Node past its end of life, and of a line that is not LTS, and not of a supported LTS", () => {
    const today = new Date("2026-12-06");
    assert.match(endOfLifeWarning("20.20.2", today) ?? "", /20\.20\.2 reached its end of life on 2026-04-30/);
    assert.match(endOfLifeWarning("23.1.0", today) ?? "", /not a long-term-support line/);
    assert.equal(endOfLifeWarning("24.21.0", today), null);
    assert.equal(endOfLifeWarning("20.20.2", new Date("2026-01-01")), null);
  });
});
