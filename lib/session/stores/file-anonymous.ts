// The index of anonymous sessions (no signed-in user) of the file engine, for
// SESSION_ANONYMOUS_MAX_SESSIONS: one empty file per session under
// `anonymous/`, named by its creation time (base 36, fixed width, so names
// sort oldest first) and its key's hash. Counting it means reading the
// directory, so each process keeps a count of its own and reads the
// directory again every `resyncEvery` creations, or whenever its count
// reaches the bound: other processes can push the store past the bound by
// at most what they created since their last reading (2% of the bound each).
// A reading that finds the store within 2% of the bound evicts down to 2%
// below it, so past the bound the directory is read once per 2% of the
// bound's creations, not at each one.
import path from "node:path";
import type { FileLayout } from "./file-layout";

/** Entries removed at most per eviction pass. */
const EVICTION_PASS = 1000;

export class AnonymousIndex {
  /** This process's view of how many entries there are; undefined until first read. */
  private count: number | undefined;
  private sinceReading = 0;
  private enforcing: Promise<number> | undefined;
  private readonly resyncEvery: number;
  /** How far below the bound a pass that finds the store near it evicts (2%; none for a bound under 50). */
  private readonly slack: number;

  /** `evict` ends one session (by hash) when it is still anonymous; returns whether its file went. */
  constructor(
    private readonly layout: FileLayout,
    private readonly max: number,
    private readonly evict: (keyHash: string, entry: string) => Promise<boolean>,
  ) {
    this.resyncEvery = Math.max(1, Math.min(1000, Math.floor(max / 50)));
    this.slack = Math.min(1000, Math.floor(max / 50));
  }

  get bounded(): boolean {
    return this.max < Number.MAX_SAFE_INTEGER;
  }

  /** A new entry's name. */
  static entryName(keyHash: string, createdAt: number): string {
    return `${createdAt.toString(36).padStart(9, "0")}.${keyHash}`;
  }

  async add(keyHash: string, createdAt: number): Promise<string> {
    const name = AnonymousIndex.entryName(keyHash, createdAt);
    await this.layout.mark(path.join(this.layout.anonymousDir, name));
    if (this.count !== undefined) this.count++;
    this.sinceReading++;
    return name;
  }

  async remove(name: string): Promise<void> {
    await this.layout.remove(path.join(this.layout.anonymousDir, name));
    if (this.count !== undefined) this.count--;
  }

  /** After a write: past the bound (as far as this process knows), the oldest go. */
  async enforce(): Promise<void> {
    if (!this.bounded || this.sinceReading === 0) return;
    if (this.count !== undefined && this.count <= this.max && this.sinceReading < this.resyncEvery) return;
    this.enforcing ??= this.evictOldest(0).finally(() => (this.enforcing = undefined));
    await this.enforcing;
  }

  /** Evicts the oldest entries past the bound, and at least `atLeast` (room for a full disk); returns how many sessions went. */
  async evictOldest(atLeast: number): Promise<number> {
    const names = await this.layout.list(this.layout.anonymousDir);
    this.count = names.length;
    this.sinceReading = 0;
    // Down to `slack` below the bound: the next pass (a directory read and a sort) comes with the next resync, not at every creation.
    const excess = Math.min(EVICTION_PASS, Math.max(names.length - (this.max - this.slack), atLeast));
    if (excess <= 0) return 0;
    let evicted = 0;
    for (const name of names.sort().slice(0, excess)) {
      if (await this.evict(name.slice(name.indexOf(".") + 1), name)) evicted++;
    }
    return evicted;
  }
}
