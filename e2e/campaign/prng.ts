// A small seeded PRNG (mulberry32): the same seed gives the same campaign, input for input.

export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }

  /**
   * Draws from `list` like a shuffled deck dealt again and again: every item
   * comes once per pass, so each one is tried even in a short run.
   */
  deck<T>(list: readonly T[]): () => T {
    let cards: T[] = [];
    return () => {
      if (cards.length === 0) cards = this.shuffle([...list]);
      return cards.pop()!;
    };
  }

  /** A choice weighted by the numbers of `table`. */
  weighted<T extends string>(table: Record<T, number>): T {
    const entries = Object.entries(table) as [T, number][];
    let roll = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [name, weight] of entries) {
      roll -= weight;
      if (roll < 0) return name;
    }
    return entries[entries.length - 1][0];
  }

  /** n bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of this run: CAMPAIGN_SEED to replay one, else a new one (printed by the spec). */
export function campaignSeed(): number {
  const given = process.env.CAMPAIGN_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`CAMPAIGN_SEED must be an integer 0..2^32-1, got ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}
