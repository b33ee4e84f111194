/**
 * A small bounded job queue: at most `concurrency` jobs run at once, at most
 * `maxWaiting` wait their turn (first come, first served), and a job that
 * finds the waiting line full is refused at once with `QueueFullError`
 * instead of piling up. Password hashing goes through one of these so that
 * scrypt (16 MB and tens of milliseconds of CPU per derivation, run on
 * libuv's thread pool) can never take more than one pool thread and one core
 * away from page rendering, however many sign-in attempts arrive together.
 */
export class QueueFullError extends Error {
  constructor() {
    super("Too many password checks are waiting; try again shortly.");
    this.name = "QueueFullError";
  }
}

/**
 * Whether `error` is a QueueFullError, from this copy of the module or
 * another: the queue lives on globalThis and Next bundles this file more
 * than once, so `instanceof` alone could miss one thrown by another copy.
 */
export function isQueueFullError(error: unknown): boolean {
  return error instanceof QueueFullError || (error instanceof Error && error.name === "QueueFullError");
}

export class JobQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency = 1,
    readonly maxWaiting = 16,
  ) {}

  /** Jobs running now. */
  get running(): number {
    return this.active;
  }

  /** Jobs waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `job` when a slot is free; rejects with QueueFullError (without calling `job`) when the line is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFullError();
      // The finishing job hands its slot over directly, so `active` never dips and no newcomer jumps the line.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * The process's password-hashing line: one derivation at a time, 16 waiting.
 * Kept on globalThis: Next bundles pages, actions and route handlers
 * separately, and one process must have one line.
 */
export const hashingQueue: JobQueue = ((globalThis as { __passwordHashingQueue?: JobQueue }).__passwordHashingQueue ??=
  new JobQueue(1, 16));
