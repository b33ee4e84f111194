// The part of autocannon's API the benchmark uses (the package ships no types).
declare module "autocannon" {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    requests?: RequestSpec[];
  }
  /** `context` is fresh for every request of a connection, and the same in its response. */
  interface RequestSpec {
    setupRequest?(request: { path?: string }, context: Record<string, unknown>): { path?: string };
    onResponse?(status: number, body: string, context: Record<string, unknown>): void;
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    duration: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
