// Node's own options given to `npm start` or `npm run start:cluster` (`node --max-semi-space-size=8
// scripts/start.mjs`) reach the server process, where V8 reads them as it starts; NODE_OPTIONS too.
// Read back from the running server through its inspector: Next renames its process, and /proc
// no longer shows the command line.
import { execFileSync } from "node:child_process";
import { expect, test } from "./fixtures";
import { freePort } from "../test/free-port";
import { startServer } from "./server";

/** The server process under `parent`: its V8 flags, asked over the inspector SIGUSR1 opens on `inspectPort`. */
function serverExecArgv(parent: number, inspectPort: number): string[] {
  const [server] = execFileSync("pgrep", ["-P", String(parent)], { encoding: "utf8" }).trim().split("\n").map(Number);
  const ask = `process.kill(${server}, "SIGUSR1");
    let list;
    for (let i = 0; i < 100 && !list; i++) list = await fetch("http://127.0.0.1:${inspectPort}/json/list").then((r) => r.json(), () => new Promise((r) => setTimeout(r, 100)));
    const socket = new WebSocket(list[0].webSocketDebuggerUrl);
    await new Promise((r) => socket.addEventListener("open", r));
    socket.send(JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: "JSON.stringify(process.execArgv)" } }));
    const answer = await new Promise((r) => socket.addEventListener("message", (e) => r(JSON.parse(e.data))));
    console.log(answer.result.result.value);
    process.exit(0);`;
  // Node 20 has WebSocket behind a flag; Node 22 and later have it.
  const websocket = typeof WebSocket === "undefined" ? ["--experimental-websocket", "--no-warnings"] : [];
  let out: string;
  try {
    out = execFileSync(process.execPath, [...websocket, "--input-type=module", "-e", ask], { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    throw new Error(`no inspector answered on port ${inspectPort}: the server did not get the next inspector port after its starter's`);
  }
  return JSON.parse(out.trim()) as string[];
}

test.describe("node's own options reach the server", () => {
  test.skip(({ engine }) => engine !== "db", "starts its own servers: runs once, in the db project");
  test.describe.configure({ mode: "serial" });
  test.setTimeout(120_000);

  for (const [script, what] of [
    ["scripts/start.mjs", "npm start"],
    ["scripts/start-cluster.mjs", "npm run start:cluster's worker"],
  ] as const) {
    test(`${what}: the server runs with the options given to node before the script, its inspector on the next port, and adds nothing else`, async () => {
      const cases: { nodeArgs: (port: number) => string[]; env?: (port: number) => Record<string, string>; expected: (port: number) => string[]; serverPort?: number }[] = [
        { nodeArgs: (p) => [`--inspect-port=${p}`], expected: (p) => [`--inspect-port=${p}`, `--inspect-port=${p + 1}`] },
        {
          nodeArgs: (p) => [`--inspect-port=${p}`, "--max-semi-space-size=8"],
          expected: (p) => [`--inspect-port=${p}`, "--max-semi-space-size=8", `--inspect-port=${p + 1}`],
        },
        // NODE_OPTIONS is inherited: nothing on the command line overrides it.
        { nodeArgs: (p) => [`--inspect-port=${p}`], env: () => ({ NODE_OPTIONS: "--max-semi-space-size=8" }), expected: (p) => [`--inspect-port=${p}`, `--inspect-port=${p + 1}`] },
        // The script's own inspector open, the server's on the next port.
        { nodeArgs: (p) => [`--inspect=127.0.0.1:${p}`], expected: (p) => [`--inspect=127.0.0.1:${p}`, `--inspect-port=${p + 1}`] },
      ];
      // An inspector opened through NODE_OPTIONS: npm start moves its server's; node's cluster does not (its own gap).
      if (script === "scripts/start.mjs") cases.push({ nodeArgs: () => [], env: (p) => ({ NODE_OPTIONS: `--inspect=127.0.0.1:${p}` }), expected: (p) => [`--inspect-port=${p + 1}`] });
      // Past the last port the next one wraps to 1024, as the cluster's does.
      cases.push({ nodeArgs: () => ["--inspect-port=65535"], expected: () => ["--inspect-port=65535", "--inspect-port=1024"], serverPort: 1024 });
      for (const { nodeArgs, env, expected, serverPort } of cases) {
        const port = await freePort();
        const server = await startServer({ script, nodeArgs: nodeArgs(port), env: { WEB_CONCURRENCY: "1", ...env?.(port) } });
        try {
          const given = `${what}, node ${nodeArgs(port).join(" ")} ${JSON.stringify(env?.(port) ?? {})}:\n${server.logs.join("\n")}`;
          expect(serverExecArgv(server.pid, serverPort ?? port + 1), given).toEqual(expected(port));
          expect(server.logs.join("\n"), `${given}\nno inspector left without its port`).not.toContain("address already in use");
        } finally {
          await server.stop();
        }
      }
    });
  }
});
