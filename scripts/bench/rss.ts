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

/** Every process under `root` (itself included) that holds memory: a shell wrapper counts for nothing. */
export function treeRss(root: number): { processes: number; totalMb: number; largestMb: number } {
  const pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const pid of pids) {
      const parent = parentOf(pid);
      if (!inTree.has(pid) && parent !== null && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  const sizes = [...inTree].map(rssKb).filter((kb) => kb > 8 * 1024);
  return { processes: sizes.length, totalMb: sizes.reduce((a, b) => a + b, 0) / 1024, largestMb: Math.max(0, ...sizes) / 1024 };
}
