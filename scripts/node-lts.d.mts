// Types of node-lts.mjs, for the TypeScript scripts that use it (the benchmark).
export declare const CURRENT_LTS: number;
export declare function endOfLifeWarning(version?: string, today?: Date): string | null;
export declare function installCurrentLts(dir: string): string;
