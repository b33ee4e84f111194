// The file engine's locks: one per session file, across processes through
// proper-lockfile (a `<file>.lock` directory made with mkdir, kept fresh
// while held, taken over once stale), and in front of it a queue per file
// within the process, so this process's own requests wait their turn in
// memory instead of polling the disk against each other.
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { securityEvent } from "../log";
import { errorCode } from "./file-layout";

/**
 * A lock not refreshed for this long belongs to a process that died: the
 * next writer takes it over (proper-lockfile's minimum is 2 s; the holder
 * refreshes it every half of this).
 */
export const STALE_LOCK_MS = 3000;

/**
 * How long a writer waits for a held lock, polling with jitter (growing to
 * 20 ms): enough to outlast a stale lock; a lock still held after that is
 * counted as an outage (ELOCKED), as SQLite's busy timeout is.
 */
const WAIT_MS = 10_000;
const MAX_POLL_MS = 20;

const OPTIONS = {
  stale: STALE_LOCK_MS,
  realpath: false, // the session file need not exist yet
  retries: 0, // retried below on ELOCKED only: any other error (a read-only disk) fails at once
  // A lock taken over while held (this process stalled past STALE_LOCK_MS): logged; the write in progress finishes.
  onCompromised: (error: Error) => securityEvent("session file lock lost", { reason: error.message.slice(0, 80) }),
};

export class FileLocks {
  /** The tail of each file's queue in this process. */
  private readonly queues = new Map<string, Promise<void>>();

  /** Runs `work` holding `file`'s lock, after this process's earlier holders of it. */
  async run<T>(file: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(file);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.queues.set(file, tail);
    try {
      if (previous) await previous;
      return await this.locked(file, work);
    } finally {
      done();
      if (this.queues.get(file) === tail) this.queues.delete(file);
    }
  }

  /** Runs `work` with `file`'s lock when it is free now; undefined when another holder has it. */
  async tryRun<T>(file: string, work: () => Promise<T>): Promise<T | undefined> {
    if (this.queues.has(file)) return undefined;
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(file, OPTIONS);
    } catch (error) {
      if (errorCode(error) === "ELOCKED") return undefined;
      throw error;
    }
    try {
      return await work();
    } finally {
      await release().catch(() => {});
    }
  }

  private async locked<T>(file: string, work: () => Promise<T>): Promise<T> {
    const release = await acquire(file);
    try {
      return await work();
    } finally {
      await release().catch(() => {}); // a lock compromised meanwhile is already gone
    }
  }
}

async function acquire(file: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + WAIT_MS;
  for (let poll = 1; ; poll = Math.min(poll * 1.5, MAX_POLL_MS)) {
    try {
      return await lockfile.lock(file, OPTIONS);
    } catch (error) {
      if (errorCode(error) !== "ELOCKED" || Date.now() > deadline) throw error;
      await sleep(poll * (0.5 + Math.random()));
    }
  }
}
