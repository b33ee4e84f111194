// Types of scripts/package.mjs for the tests that import it.
export declare const OUTPUT_DIR: string;
export interface PackageManifest {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
export declare function entryPoints(manifest: PackageManifest): Record<string, string>;
export interface BuiltPackage {
  /** The staged package folder (package.json, README.md, schema.sql, dist/). */
  stageDir: string;
  tarball: string;
  /** Bytes of the tarball, and of its files unpacked. */
  size: number;
  unpackedSize: number;
  files: string[];
}
export declare function buildPackage(): Promise<BuiltPackage>;
/** The slice of an esbuild metafile these checks read. */
export interface BundleMetafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }>; imports: { path: string; external?: boolean }[] }>;
}
export declare function duplicatedModules(metafile: BundleMetafile): string[];
export declare function undeclaredImports(metafile: BundleMetafile, manifest: PackageManifest): string[];
