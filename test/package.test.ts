// lib/session as an npm package (scripts/package.mjs) and the example app that installs its tarball:
// what the tarball holds, one copy of every class across entry points, the schema it ships, and
// the example's session wiring (at most 30 lines, shown as the package README's quick start).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { createClient, type Client } from "@libsql/client";
import { buildPackage, duplicatedModules, entryPoints, undeclaredImports, type BuiltPackage, type PackageManifest } from "../scripts/package.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "visit-counter");
const MANIFEST: PackageManifest = JSON.parse(readFileSync(path.join(ROOT, "lib", "session", "package.json"), "utf8"));

/** The files an app writes to wire the sessions in: configuration, proxy, and the routes the library redirects to. */
const WIRING_FILES = ["lib/sessions.ts", "proxy.ts", "app/session/renew/route.ts", "app/session/unavailable/route.ts"];
const MAX_WIRING_LINES = 30;

const linesOf = (text: string) => text.replace(/\n$/, "").split("\n");

describe("the package's manifest", () => {
  it("names a source module for each export with types, and ships only its build, schema and README", () => {
    assert.deepEqual(Object.keys(entryPoints(MANIFEST)).sort(), ["index", "messages/index", "next/index", "redis/index", "testing"]);
    assert.deepEqual((MANIFEST as unknown as { files: string[] }).files, ["dist", "schema.sql", "README.md"]);
  });

  it("refuses a bundle that imports an undeclared package or holds a module twice", () => {
    const output = (inputs: string[], imports: string[]) => ({
      inputs: Object.fromEntries(inputs.map((input) => [input, { bytesInOutput: 10 }])),
      imports: imports.map((importPath) => ({ path: importPath, external: true })),
    });
    const metafile = { outputs: { "a.js": output(["errors.ts", "a.ts"], ["node:fs", "drizzle-orm/libsql", "left-pad"]), "b.js": output(["errors.ts"], ["@libsql/client"]) } };
    assert.deepEqual(undeclaredImports(metafile, MANIFEST), ["left-pad"]);
    assert.deepEqual(duplicatedModules(metafile), ["errors.ts"]);
  });
});

describe("the packed tarball", () => {
  let built: BuiltPackage;
  before(async () => {
    built = await buildPackage();
  });

  it("holds the manifest, README, schema and, per export, its JavaScript and declarations; no sources or tests", () => {
    for (const target of Object.values(MANIFEST.exports)) {
      const files = typeof target === "string" ? [target] : [target.types, target.default];
      for (const file of files) assert.ok(built.files.includes(file.replace(/^\.\//, "")), `${file} is in the tarball`);
    }
    const strays = built.files.filter((file) => /\.test\.|(^|\/)test\/|\.tsx?$/.test(file) && !file.endsWith(".d.ts"));
    assert.deepEqual(strays, []);
    assert.ok(built.size < 200_000, `${built.size} bytes packed`);
  });

  it("shares one copy of each class between entry points: an error from one is instanceof the other's", async () => {
    const dist = path.join(built.stageDir, "dist");
    const core = await import(pathToFileURL(path.join(dist, "index.js")).href);
    const messages = await import(pathToFileURL(path.join(dist, "messages", "index.js")).href);
    const testing = await import(pathToFileURL(path.join(dist, "testing.js")).href);
    assert.equal(typeof messages.createMessages, "function");
    const session = testing.detachedSession(new testing.MemoryStore(), {}, null);
    await assert.rejects(testing.addMessage(session, "info", ""), (error: unknown) => error instanceof core.SessionValueError);
    await assert.rejects(session.set("k", () => 1), (error: unknown) => error instanceof core.SessionValueError);
  });
});

/** Tables, columns, indexes and triggers of the session tables, comparable between two databases. */
async function sessionSchema(client: Client): Promise<unknown> {
  const shape: Record<string, unknown> = {};
  for (const table of ["sessions", "session_counts"]) shape[table] = (await client.execute(`PRAGMA table_xinfo(${table})`)).rows.map((row) => ({ ...row }));
  const objects = await client.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('sessions', 'session_counts') AND sql IS NOT NULL ORDER BY name");
  shape.objects = objects.rows.map((row) => ({ type: row.type, name: row.name, sql: String(row.sql).replace(/\s+/g, " ") }));
  shape.counts = (await client.execute("SELECT * FROM session_counts")).rows.map((row) => ({ ...row }));
  return shape;
}

describe("the package's schema.sql", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "package-schema-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("makes the session tables the app's migrations make, and can run twice", async () => {
    const migrated = createClient({ url: `file:${path.join(dir, "migrated.db")}` });
    for (const file of readdirSync(path.join(ROOT, "drizzle")).filter((name) => name.endsWith(".sql")).sort()) {
      await migrated.executeMultiple(readFileSync(path.join(ROOT, "drizzle", file), "utf8").replaceAll("--> statement-breakpoint", ""));
    }
    const shipped = createClient({ url: `file:${path.join(dir, "shipped.db")}` });
    const schema = readFileSync(path.join(ROOT, "lib", "session", "schema.sql"), "utf8");
    await shipped.executeMultiple(schema);
    await shipped.executeMultiple(schema);
    assert.deepEqual(await sessionSchema(shipped), await sessionSchema(migrated));
    migrated.close();
    shipped.close();
  });
});

describe("the example app's session wiring", () => {
  const wiring = WIRING_FILES.map((file) => ({ file, text: readFileSync(path.join(EXAMPLE, file), "utf8") }));

  it(`is at most ${MAX_WIRING_LINES} lines in all`, () => {
    const total = wiring.reduce((sum, { text }) => sum + linesOf(text).length, 0);
    assert.ok(total <= MAX_WIRING_LINES, `${total} lines: ${wiring.map(({ file, text }) => `${file} ${linesOf(text).length}`).join(", ")}`);
  });

  it("is what the package README's quick start shows, file by file", () => {
    const readme = readFileSync(path.join(ROOT, "lib", "session", "README.md"), "utf8");
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("\n## ", readme.indexOf("## Quick start") + 1));
    for (const { file, text } of wiring) {
      assert.ok(quickStart.includes("```ts\n// " + file + "\n" + text), `the quick start shows ${file} as it is`);
    }
  });

  it("depends on the packed tarball, not on the sources", () => {
    const manifest = JSON.parse(readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
    assert.match(manifest.dependencies[MANIFEST.name], /^file:\.\.\/\.\.\/\.package\/.+\.tgz$/);
    for (const { text } of wiring) assert.doesNotMatch(text, /lib\/session\b(?!s)|\.\.\/\.\.\//);
  });
});
