import { cookieEngine, libsqlEngine, type EngineFixture } from "./harness";

export interface EngineKind {
  name: string;
  /** Whether data lives server-side (rows that can be looked at, listed and revoked). */
  serverSide: boolean;
  create(): Promise<EngineFixture>;
}

/** Every engine the shared behaviour suite runs against, as Django runs its mixin per backend. */
export const ENGINES: EngineKind[] = [
  { name: "db", serverSide: true, create: () => libsqlEngine() },
  { name: "cookie", serverSide: false, create: () => cookieEngine() },
];
