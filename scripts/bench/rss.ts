// Resident memory of a server's process tree (Linux /proc), sampled under load.
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** `root` and every process under it. */
export function treePids(root: number): number[] {
  const parents = new Map<number, number | null>();
  for (const name of readdirSync("/proc")) if (/^\d+$/.test(name)) parents.set(Number(name), parentOf(Number(name)));
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!inTree.has(pid) && parent !== null && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree];
}

/** Every process under `root` (itself included) that holds memory: a shell wrapper counts for nothing. */
export function treeRss(root: number): { processes: number; totalMb: number; largestMb: number } {
  const sizes = treePids(root).map(rssKb).filter((kb) => kb > 8 * 1024);
  return { processes: sizes.length, totalMb: sizes.reduce((a, b) => a + b, 0) / 1024, largestMb: Math.max(0, ...sizes) / 1024 };
}
