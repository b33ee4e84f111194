// What a run has measured so far, shared by every phase: the figures (printed as they come), the
// chart's bars and the notes that docs/PERFORMANCE.md lists under its table.
import type { Bar, Figure } from "./report";

export const figures: Figure[] = [];
export const bars: Bar[] = [];
export const notes: string[] = [];
/** Phases (or parts) a run could not measure, and why: the run then never reads as "every goal met". */
export const skipped: string[] = [];

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function report(figure: Figure): void {
  figures.push(figure);
  const verdict = figure.met === undefined ? "" : figure.met ? "  [met]" : "  [NOT MET]";
  console.log(`${figure.name}: ${figure.value}${figure.goal ? `  (goal ${figure.goal})` : ""}${verdict}`);
}

/** What this run could not measure, and why: printed, noted and counted against "every goal met". */
export function skip(what: string): void {
  if (skipped.includes(what)) return; // a phase run once per Node says it once
  skipped.push(what);
  note(`Skipped: ${what}.`);
}

/** A note for docs/PERFORMANCE.md, printed too (indented under the figures). */
export function note(text: string): void {
  notes.push(text);
  console.log(`  ${text}`);
}
