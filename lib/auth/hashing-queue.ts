/**
 * A small bounded job queue, fair between clients: at most `concurrency`
 * jobs run at once; waiting jobs stand in one line per client, and the lines
 * are served in turn (round-robin), so a client with many jobs waits behind
 * its own, not in front of everyone else's. A client may have at most
 * `maxWaitingPerClient` jobs waiting, and all clients together `maxWaiting`;
 * a job over either bound is refused at once with `QueueFullError` instead of
 * piling up. When the whole line is full, a newcomer takes the place of the
 * newest job of the client with the most waiting (that job is refused), so a
 * client can always get a turn unless every waiting job is another client's
 * only one. Password hashing goes through one of these so that scrypt (16 MB
 * and tens of milliseconds of CPU per derivation, run on libuv's thread pool)
 * can never take more than one pool thread and one core away from page
 * rendering, and so that one client's flood cannot deny everyone's sign-in.
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

/** The client of a job that names none (start-up work such as the seed's hash). */
export const LOCAL_CLIENT = "local";

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class JobQueue {
  private active = 0;
  private waitingCount = 0;
  /** Waiting jobs per client; the Map's order is the turn order (the first client is served next, then goes to the back). */
  private readonly lines = new Map<string, Waiter[]>();

  constructor(
    readonly concurrency = 1,
    readonly maxWaiting = 32,
    readonly maxWaitingPerClient = 2,
  ) {}

  /** Jobs running now. */
  get running(): number {
    return this.active;
  }

  /** Jobs waiting for their turn. */
  get queued(): number {
    return this.waitingCount;
  }

  /** Jobs of this client waiting for their turn. */
  queuedFor(client: string): number {
    return this.lines.get(client)?.length ?? 0;
  }

  /** Runs `job` when a slot is free and its client's turn comes; rejects with QueueFullError (without calling `job`) when refused. */
  async run<T>(job: () => Promise<T>, client: string = LOCAL_CLIENT): Promise<T> {
    if (this.active >= this.concurrency) {
      // The finishing job hands its slot over directly, so `active` never dips and no newcomer jumps the line.
      await this.wait(client);
    } else {
      this.active++;
    }
    try {
      return await job();
    } finally {
      this.handOver();
    }
  }

  private wait(client: string): Promise<void> {
    const line = this.lines.get(client) ?? [];
    if (line.length >= this.maxWaitingPerClient) throw new QueueFullError();
    if (this.waitingCount >= this.maxWaiting && !this.displaceFor(line.length)) throw new QueueFullError();
    return new Promise<void>((resolve, reject) => {
      line.push({ resolve, reject });
      if (!this.lines.has(client)) this.lines.set(client, line);
      this.waitingCount++;
    });
  }

  /** Refuses the newest waiting job of the client with the most, if it has more than the newcomer's client would; true if one went. */
  private displaceFor(newcomerWaiting: number): boolean {
    let heaviest: [string, Waiter[]] | undefined;
    for (const entry of this.lines) if (!heaviest || entry[1].length > heaviest[1].length) heaviest = entry;
    if (!heaviest || heaviest[1].length <= newcomerWaiting + 1) return false;
    const [client, line] = heaviest;
    line.pop()!.reject(new QueueFullError());
    if (line.length === 0) this.lines.delete(client);
    this.waitingCount--;
    return true;
  }

  /** A job finished: the next client in turn gets the slot, and goes to the back if it has more waiting. */
  private handOver(): void {
    const first = this.lines.entries().next();
    if (first.done) {
      this.active--;
      return;
    }
    const [client, line] = first.value;
    const next = line.shift()!;
    this.lines.delete(client);
    if (line.length > 0) this.lines.set(client, line);
    this.waitingCount--;
    next.resolve();
  }
}

/**
 * The process's password-hashing line: one derivation at a time, at most 2
 * waiting per client and 32 in all. Kept on globalThis: Next bundles pages,
 * actions and route handlers separately, and one process must have one line.
 */
export const hashingQueue: JobQueue = ((globalThis as { __passwordHashingQueue?: JobQueue }).__passwordHashingQueue ??= new JobQueue(1, 32, 2));
