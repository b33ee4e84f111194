// The file engine's locks: one per session file, across processes through
// proper-lockfile (a `<file>.lock` directory made with mkdir, kept fresh
// while held, taken over once stale), and in front of it a queue per file
// within the process, so this process's own requests wait their turn in
// memory instead of polling the disk against each other.
import lockfile from "proper-lockfile";
import { securityEvent } from "../log";

/**
 * A lock not refreshed for this long belongs to a process that died: the
 * next writer takes it over (proper-lockfile's minimum is 2 s; the holder
 * refreshes it every half of this).
 */
export const STALE_LOCK_MS = 3000;

/**
 * Waits with jitter (randomized, growing to 20 ms) for about 10 s in all:
 * enough to outlast a stale lock; a lock still held after that is counted
 * as an outage (ELOCKED), as SQLite's busy timeout is.
 */
const WAITING = { retries: 500, factor: 1.3, minTimeout: 1, maxTimeout: 20, randomize: true };

const OPTIONS = {
  stale: STALE_LOCK_MS,
  realpath: false, // the session file need not exist yet
  retries: WAITING,
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
      release = await lockfile.lock(file, { ...OPTIONS, retries: 0 });
    } catch (error) {
      if ((error as { code?: unknown }).code === "ELOCKED") return undefined;
      throw error;
    }
    try {
      return await work();
    } finally {
      await release().catch(() => {});
    }
  }

  private async locked<T>(file: string, work: () => Promise<T>): Promise<T> {
    const release = await lockfile.lock(file, OPTIONS);
    try {
      return await work();
    } finally {
      await release().catch(() => {}); // a lock compromised meanwhile is already gone
    }
  }
}
