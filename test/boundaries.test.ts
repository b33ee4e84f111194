// The library's layers, kept apart: what each folder may import.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** Every source file of the project outside lib/session (the app, its lib/, scripts, tests, types, configs). */
function filesOutsideLibrary(dir = ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name.startsWith(".") || name === "node_modules" || full === path.join(ROOT, "lib/session")) return [];
    if (statSync(full).isDirectory()) return filesOutsideLibrary(full);
    return /\.(ts|tsx|mts|mjs)$/.test(name) ? [full] : [];
  });
}

/** Every module a file imports, resolved to a path from the project root when it is local. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']|(?:^|\n)\s*declare\s+module\s+["']([^"']+)["']/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? m[4],
  );
  return specifiers.map((spec) => {
    if (spec.startsWith("@/")) return spec.slice(2);
    if (spec.startsWith(".")) return path.relative(ROOT, path.resolve(path.dirname(file), spec));
    return spec; // a package
  });
}

function offenders(dir: string, forbidden: (spec: string) => boolean): string[] {
  return sourceFiles(path.join(ROOT, dir)).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((spec) => `${path.relative(ROOT, file)} imports ${spec}`),
  );
}

/** Each import outside lib/session that `forbidden` names, as "file imports spec". */
function offendersOutside(forbidden: (spec: string) => boolean): string[] {
  return filesOutsideLibrary().flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((spec) => `${path.relative(ROOT, file)} imports ${spec}`),
  );
}

/** What an app may import: the core, the Next.js glue, the Redis engines, and messages (issue 23). */
const APP_ENTRY_POINTS = ["lib/session", "lib/session/next", "lib/session/redis", "lib/session/messages"];
const MAX_PUBLIC_NAMES = 30;

/** Names an `export` statement list declares: `{ a, type B, c as d }` → a, B, d. */
function listedNames(list: string): string[] {
  return list
    .split(",")
    .map((item) => item.trim().replace(/^type\s+/, ""))
    .filter(Boolean)
    .map((item) => item.split(/\s+as\s+/).pop()!);
}

/** Every name a module exports, values and types: its export lists, its exported declarations, `*` for an `export *`. */
function exportedNames(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const lists = [...text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) => listedNames(m[1]));
  const declared = [...text.matchAll(/export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  const stars = [...text.matchAll(/export\s+(?:type\s+)?\*/g)].map(() => "*");
  return [...lists, ...declared, ...stars];
}

/** The names an entry point gives the app. */
function publicNames(entry: string): string[] {
  const file = moduleFile(entry);
  assert.ok(file, `no module for ${entry}`);
  return exportedNames(file);
}

/** The project-relative module a local import names (an index or a file with its extension), or undefined for a package. */
function moduleFile(spec: string): string | undefined {
  for (const candidate of [spec, `${spec}.ts`, `${spec}.tsx`, `${spec}/index.ts`]) {
    const full = path.join(ROOT, candidate);
    if (statSync(full, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return undefined;
}

/** Each cycle of local imports among `dir`'s files, as the path that closes it (depth-first over the import graph). */
function importCycles(dir: string): string[] {
  const graph = new Map(sourceFiles(path.join(ROOT, dir)).map((file) => [path.relative(ROOT, file), importsOf(file).map(moduleFile).filter((m): m is string => m !== undefined)]));
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") return void cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

describe("layers", () => {
  it("lib/session imports nothing from app/, lib/db, lib/auth or the app's composition root", () => {
    assert.deepEqual(offenders("lib/session", (spec) => /^(app|lib\/db|lib\/auth|lib\/sessions)(\/|$)/.test(spec)), []);
  });

  it("the core (lib/session outside next/) imports nothing from Next.js or React", () => {
    const core = offenders("lib/session", (spec) => /^(next|react|server-only)(\/|$)/.test(spec));
    assert.deepEqual(core.filter((line) => !line.startsWith("lib/session/next/")), []);
  });

  it("lib/ imports nothing from app/", () => {
    assert.deepEqual(offenders("lib", (spec) => /^app(\/|$)/.test(spec)), []);
  });

  it("no import cycle among lib/'s modules", () => {
    assert.deepEqual(importCycles("lib"), []);
  });

  it("messages live beside the session: the core and the Next glue neither import nor name them", () => {
    const messages = (spec: string) => /^lib\/session\/messages(\/|$)/.test(spec);
    const importers = offenders("lib/session", messages).filter((line) => !line.startsWith("lib/session/messages/") && !line.startsWith("lib/session/testing.ts"));
    assert.deepEqual(importers, []);
    const naming = sourceFiles(path.join(ROOT, "lib/session/next")).filter((file) => /MESSAGES?_|session_messages|x-session-messages/.test(readFileSync(file, "utf8")));
    assert.deepEqual(naming.map((file) => path.relative(ROOT, file)), []);
  });

  it("lib/db imports nothing from lib/session", () => {
    assert.deepEqual(offenders("lib/db", (spec) => /^lib\/session(\/|$)/.test(spec)), []);
  });

  it("nothing outside lib/session reaches past its entry points (lib/session, /next, /redis, /messages, /testing)", () => {
    const deep = (spec: string) => /^lib\/session\/(?!(next|redis|messages|testing)$)/.test(spec);
    assert.deepEqual(offendersOutside(deep), []);
  });

  it("the e2e suite loads under Playwright: lib/session, a package folder now, is not imported as a relative directory", () => {
    // Playwright's loader hands a relative import of a folder with a package.json to Node as that
    // folder (ERR_UNSUPPORTED_DIR_IMPORT), so no spec could start; through the "@/" alias it finds index.ts.
    const listed = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", "--list"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, E2E_ENGINES: "db,cookie", E2E_PORT_BASE: "1" },
    });
    assert.equal(listed.status, 0, listed.stderr + listed.stdout);
    assert.match(listed.stdout, /Total: \d+ tests in \d+ files/);
  });

  it("only the library's own tests, the e2e suite and the bench import the testing entry point", () => {
    const testing = (spec: string) => spec === "lib/session/testing";
    const allowed = /^(test|e2e|scripts\/bench)\//;
    assert.deepEqual(offendersOutside(testing).filter((line) => !allowed.test(line)), []);
    assert.deepEqual(offenders("lib/session", testing).filter((line) => !line.startsWith("lib/session/testing.ts ")), []);
  });
});

describe("the public API", () => {
  it(`the app-facing entry points export at most ${MAX_PUBLIC_NAMES} names together (values and types)`, () => {
    const counts = APP_ENTRY_POINTS.map((entry) => [entry, publicNames(entry)] as const);
    const total = counts.reduce((sum, [, names]) => sum + names.length, 0);
    assert.ok(total <= MAX_PUBLIC_NAMES, `${total} names: ${counts.map(([entry, names]) => `${entry} (${names.length}): ${names.join(", ")}`).join("; ")}`);
  });

  it("an entry point re-exports each name once, and never with export *", () => {
    for (const entry of APP_ENTRY_POINTS) {
      const names = publicNames(entry);
      assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), [], entry);
      assert.ok(!names.includes("*"), `${entry} has export *: its names cannot be counted`);
    }
  });
});
