// One status line while a phase runs: what, and about how long is left. Rewritten in place on a
// terminal; on a log (CI) one line every 10 s at most.
let lastLogged = 0;

export function progress(what: string, secondsLeft: number): void {
  const line = `[bench] ${what} (about ${Math.max(0, Math.round(secondsLeft))} s left)`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r\x1b[2K${line}`);
  } else if (Date.now() - lastLogged > 10_000) {
    lastLogged = Date.now();
    process.stderr.write(`${line}\n`);
  }
}

progress.done = (): void => {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
};
