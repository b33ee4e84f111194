// CPU time a server's whole process tree has used (Linux /proc): utime + stime of each process,
// which count all of its threads (Node's libuv pool and GC threads, gunicorn's workers' own).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { treePids } from "./rss";

/** Clock ticks per second, the unit of /proc/PID/stat's times. */
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command's closing ")": state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // exited since the tree was listed
  }
}

/** CPU seconds used so far by `root` and every process under it. */
export function treeCpuSeconds(root: number): number {
  return treePids(root).reduce((sum, pid) => sum + processTicks(pid), 0) / TICKS_PER_SECOND;
}
