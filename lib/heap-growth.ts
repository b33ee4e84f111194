import { setFlagsFromString } from "node:v8";

/**
 * How far V8 lets the old generation grow past what the last full collection kept: 1.5 ×.
 * Left to itself V8 grows it up to 4 × when collecting is fast next to the page's own work,
 * which a Next server's short-lived garbage makes it: RSS then follows V8's headroom, not
 * what the server holds (docs/DESIGN.md). V8 reads this at every full collection, so setting
 * it as the server starts takes effect; a Node whose V8 no longer knows the flag prints
 * "Error: unrecognized flag" and runs with V8's default. V8's memory-saving modes (a heap
 * near its maximum) pick their own smaller factor; the bound replaces that too, and the
 * maximum still caps it.
 */
const HEAP_GROWING_PERCENT = 50;

export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
