// The yardstick: ../shared/reference-django (Django 3.2 + gunicorn from Debian), started beside ours.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Server } from "./servers";

const START_SCRIPT = path.resolve("..", "shared", "reference-django", "start.sh");
const INSTALL = "apt-get install -y python3-django gunicorn";

function installed(): boolean {
  return existsSync("/usr/bin/gunicorn") && spawnSync("/usr/bin/python3", ["-c", "import django"]).status === 0;
}

/**
 * Why the Django reference cannot run here, or undefined when it can: installs
 * Debian's packages when root (as `npm test` does Chromium), else names the one command.
 */
export function djangoUnavailable(): string | undefined {
  if (!existsSync(START_SCRIPT)) return `the Django reference is not at ${START_SCRIPT} (run the bench from the checkout beside ../shared)`;
  if (installed()) return undefined;
  if (process.getuid?.() !== 0) return `Django and gunicorn are not installed: run \`sudo ${INSTALL}\``;
  console.log(`installing Django and gunicorn (${INSTALL})…`);
  const apt = spawnSync("apt-get", ["install", "-y", "python3-django", "gunicorn"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return apt.status === 0 && installed() ? undefined : `\`${INSTALL}\` failed`;
}

/** gunicorn with `workers` processes on `port`, its own SQLite file. */
export async function startDjango(port: number, dbFile: string, workers: number): Promise<Server> {
  const child = spawn("sh", [START_SCRIPT], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${dbFile}`, WORKERS: String(workers) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`Django exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error("Django did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
