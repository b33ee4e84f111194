// `npm run package`: lib/session as the npm package its package.json describes. esbuild bundles each
// entry point (ESM, shared modules split into chunks so every class exists once for all entries, every
// package import left external); tsc writes the type declarations beside them; `npm pack` makes the
// tarball in .package/. The build is staged in .package/ too, outside the sources, so the typecheck,
// the linter and the boundaries test never read it. Prints the tarball's path.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE = path.join(ROOT, "lib", "session");
/** Where the staged package and its tarballs go (gitignored). */
export const OUTPUT_DIR = path.join(ROOT, ".package");
/** Files besides dist/ that the package ships, from lib/session. */
const SHIPPED = ["package.json", "README.md", "schema.sql"];
/** What a tarball may hold: the manifest, the README, the schema, built JavaScript and declarations. */
const ALLOWED_FILE = /^(package\.json|README\.md|schema\.sql|dist\/[\w/.-]+\.(js|d\.ts))$/;

const require = createRequire(import.meta.url);

/** Each export with types ("./next" → dist/next/index.d.ts) as the bundle's entry: output name → source file. */
export function entryPoints(manifest) {
  const entries = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== "object") continue; // a plain file (schema.sql, package.json)
    const name = target.types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, "");
    if (target.default !== `./dist/${name}.js`) throw new Error(`${subpath}: its JavaScript must be ./dist/${name}.js`);
    const source = path.join(SOURCE, `${name}.ts`);
    if (!existsSync(source)) throw new Error(`${subpath}: no ${path.relative(ROOT, source)}`);
    entries[name] = source;
  }
  return entries;
}

/** Source modules that went into more than one output file: each would be a second copy of its classes. */
export function duplicatedModules(metafile) {
  const seen = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput > 0) seen.set(input, (seen.get(input) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, count]) => count > 1).map(([input]) => input);
}

/** The package a bare import names ("@scope/name/sub" → "@scope/name"); null for a Node.js built-in. */
function packageOf(specifier) {
  if (specifier.startsWith("node:")) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Packages the bundle imports that the manifest neither depends on nor names as a peer. */
export function undeclaredImports(metafile, manifest) {
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const imported = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => packageOf(i.path)));
  return [...new Set(imported)].filter((name) => name !== null && !declared.has(name)).sort();
}

async function bundle(entries, distDir, manifest) {
  const esbuild = await import(pathToFileURL(require.resolve("esbuild")).href);
  const { metafile } = await esbuild.build({
    entryPoints: entries,
    outdir: distDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
    logLevel: "warning",
  });
  const duplicated = duplicatedModules(metafile);
  if (duplicated.length > 0) throw new Error(`modules bundled twice (their classes would differ per entry): ${duplicated.join(", ")}`);
  const undeclared = undeclaredImports(metafile, manifest);
  if (undeclared.length > 0) throw new Error(`lib/session/package.json must declare what the bundle imports: ${undeclared.join(", ")}`);
}

function declarations(distDir) {
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(SOURCE, "tsconfig.package.json"), "--outDir", distDir], { cwd: ROOT, stdio: "inherit" });
}

/** `npm pack` of the staged package into OUTPUT_DIR: the tarball's path, size and files. */
function pack(stageDir) {
  const output = execFileSync("npm", ["pack", stageDir, "--pack-destination", OUTPUT_DIR, "--json", "--loglevel=error"], { cwd: ROOT, encoding: "utf8" });
  const [report] = JSON.parse(output);
  const files = report.files.map((file) => file.path).sort();
  const refused = files.filter((file) => !ALLOWED_FILE.test(file));
  if (refused.length > 0) throw new Error(`the tarball would ship files that are not the package's: ${refused.join(", ")}`);
  return { tarball: path.join(OUTPUT_DIR, report.filename), size: report.size, unpackedSize: report.unpackedSize, files };
}

/** Builds, stages and packs the package; returns the tarball's path, its size in bytes and its file list. */
export async function buildPackage() {
  const manifest = JSON.parse(readFileSync(path.join(SOURCE, "package.json"), "utf8"));
  const stageDir = path.join(OUTPUT_DIR, manifest.name);
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  const distDir = path.join(stageDir, "dist");
  await bundle(entryPoints(manifest), distDir, manifest);
  declarations(distDir);
  for (const file of SHIPPED) copyFileSync(path.join(SOURCE, file), path.join(stageDir, file));
  return { stageDir, ...pack(stageDir) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { tarball, size, files } = await buildPackage();
  console.error(`${files.length} files, ${(size / 1024).toFixed(1)} kB packed`);
  console.log(tarball);
}
