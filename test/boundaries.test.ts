// The library's layers, kept apart: what each folder may import.
import assert from "node:assert/strict";
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

/** Every module a file imports, resolved to a path from the project root when it is local. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g)].map(
    (m) => m[1] ?? m[2] ?? m[3],
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

  it("the app, scripts and tests reach the library through its entry points (lib/session, lib/session/next, lib/session/redis, lib/session/messages) or the composition root", () => {
    const deep = (spec: string) => /^lib\/session\/(?!(next|redis|messages|testing)$)/.test(spec);
    const outside = ["app", "lib/auth", "scripts", "test", "e2e"].flatMap((dir) => offenders(dir, deep));
    assert.deepEqual(outside, []);
  });

  it("only tests, scripts and the bench import the testing entry point", () => {
    const testing = (spec: string) => spec === "lib/session/testing";
    const app = ["app", "lib/auth", "lib/db"].flatMap((dir) => offenders(dir, testing));
    const root = sourceFiles(path.join(ROOT, "lib")).filter((file) => path.dirname(file) === path.join(ROOT, "lib"));
    const rootOffenders = root.flatMap((file) => importsOf(file).filter(testing).map((spec) => `${path.relative(ROOT, file)} imports ${spec}`));
    assert.deepEqual([...app, ...rootOffenders, ...offenders("lib/session", testing)], []);
  });
});
