// Which Node.js this project runs on, and the current LTS fetched from the npm registry for the tests.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** End of life of each Node.js major (nodejs.org/en/about/previous-releases). */
const END_OF_LIFE = { 18: "2025-04-30", 20: "2026-04-30", 22: "2027-04-30", 24: "2028-04-30" };
/** The current LTS line: the suite runs on it too, and it is the one we recommend. */
export const CURRENT_LTS = 24;

/** A warning for a Node.js past its end of life (or an odd, short-lived line), else null. */
export function endOfLifeWarning(version = process.versions.node, today = new Date()) {
  const major = Number(version.split(".")[0]);
  const end = END_OF_LIFE[major];
  if (end && today < new Date(end)) return null;
  const why = end ? `reached its end of life on ${end}: no more security fixes` : "is not a long-term-support line";
  return `Node.js ${version} ${why}. Node.js ${CURRENT_LTS} (the current LTS) is supported and uses less CPU per request (README, Performance).`;
}

/**
 * The path of a Node.js of the current LTS line, installed from the npm registry (the
 * platform's `node-<os>-<cpu>` package: a plain binary, no install script) into `dir`.
 */
export function installCurrentLts(dir) {
  const pkg = `node-${process.platform}-${process.arch}`;
  const binary = path.join(dir, "node_modules", pkg, "bin", "node");
  if (!existsSync(binary)) {
    console.log(`Installing Node.js ${CURRENT_LTS} (${pkg}@${CURRENT_LTS}) from the npm registry into ${dir}…`);
    execFileSync("npm", ["install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${pkg}@${CURRENT_LTS}`], { stdio: "inherit" });
  }
  return binary;
}
