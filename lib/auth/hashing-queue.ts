/**
 * A small bounded job queue, fair between clients: at most `concurrency`
 * jobs run at once; waiting jobs stand in one line per client, and the lines
 * are served in turn (round-robin), so a client with many jobs waits behind
 * its own, not in front of everyone else's. A client may have at most
 * `maxWaitingPerClient` jobs waiting, and all clients together `maxWaiting`;
 * a job over either bound is refused at once with `QueueFullError` instead of
 * piling up. When the whole line is full, a newcomer takes the place of the
 * newest job of the heaviest client (most waiting, then most jobs admitted
 * lately), if that client is heavier than the newcomer's would be: that job
 * is refused. So a client that asks rarely gets its turn however many others
 * flood the line. Password hashing goes through one of these so that scrypt (16 MB
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

/** The prefix of a known device's line: no client key holds a NUL, so none can be taken for one. */
const KNOWN_DEVICE_LINE = "\u0000known-device:";

/** How long a client's admitted jobs count as "lately"; and the most clients counted per period (memory stays bounded). */
const USAGE_PERIOD_MS = 10_000;
const USAGE_MAX_CLIENTS = 10_000;

export class JobQueue {
  private active = 0;
  private waitingCount = 0;
  /** Waiting jobs per client; the Map's order is the turn order (the first client is served next, then goes to the back). */
  private readonly lines = new Map<string, Waiter[]>();
  /** Jobs admitted per client in this period and the one before. */
  private usage = { since: 0, current: new Map<string, number>(), previous: new Map<string, number>() };

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
  async run<T>(job: () => Promise<T>, client: string = LOCAL_CLIENT, knownDevice = false): Promise<T> {
    this.countUsage(client);
    if (this.active >= this.concurrency) {
      // The finishing job hands its slot over directly, so `active` never dips and no newcomer jumps the line.
      // A known device's check (device-cookie.ts) has a line of its own, never displaced, and displaces any other.
      await (knownDevice ? this.wait(KNOWN_DEVICE_LINE + client, true) : this.wait(client, false));
    } else {
      this.active++;
    }
    try {
      return await job();
    } finally {
      this.handOver();
    }
  }

  private countUsage(client: string): void {
    const now = Date.now();
    if (now - this.usage.since >= USAGE_PERIOD_MS) this.usage = { since: now, current: new Map(), previous: this.usage.current };
    const { current } = this.usage;
    if (current.has(client) || current.size < USAGE_MAX_CLIENTS) current.set(client, (current.get(client) ?? 0) + 1);
  }

  /** How heavy a client is: jobs waiting, then jobs admitted lately. */
  private weight(client: string, waiting: number): [number, number] {
    return [waiting, (this.usage.current.get(client) ?? 0) + (this.usage.previous.get(client) ?? 0)];
  }

  private wait(client: string, knownDevice: boolean): Promise<void> {
    const line = this.lines.get(client) ?? [];
    if (line.length >= this.maxWaitingPerClient) throw new QueueFullError();
    const weight: [number, number] = knownDevice ? [-1, -1] : this.weight(client, line.length + 1);
    if (this.waitingCount >= this.maxWaiting && !this.displaceFor(weight)) throw new QueueFullError();
    return new Promise<void>((resolve, reject) => {
      line.push({ resolve, reject });
      if (!this.lines.has(client)) this.lines.set(client, line);
      this.waitingCount++;
    });
  }

  /** Refuses the newest waiting job of the heaviest client, if it is heavier than the newcomer's would be; true if one went. */
  private displaceFor(newcomer: [number, number]): boolean {
    const heavier = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    let heaviest: { client: string; line: Waiter[]; weight: [number, number] } | undefined;
    for (const [client, line] of this.lines) {
      if (client.startsWith(KNOWN_DEVICE_LINE)) continue;
      const weight = this.weight(client, line.length);
      if (!heaviest || heavier(weight, heaviest.weight)) heaviest = { client, line, weight };
    }
    if (!heaviest || !heavier(heaviest.weight, newcomer)) return false;
    const { client, line } = heaviest;
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
 * The process's password-hashing line: one derivation at a time, at most 8
 * waiting per client (people behind one address sign in at once; the turns
 * keep the others' wait at one job per client, however many wait) and 32 in all. Kept on globalThis: Next bundles pages,
 * actions and route handlers separately, and one process must have one line.
 */
export const hashingQueue: JobQueue = ((globalThis as { __passwordHashingQueue?: JobQueue }).__passwordHashingQueue ??= new JobQueue(1, 32, 8));
