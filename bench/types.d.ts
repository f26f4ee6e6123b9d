// Neither package ships type declarations and no @types package is installed: these describe only
// what the bench uses, so the bench type-checks under strict mode.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    p50: number;
    p99: number;
    max: number;
  }
  interface Result {
    requests: Histogram & { total: number; sent: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    duration: number;
  }
  interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** A fixed number of requests instead of a duration. */
    amount?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    headers?: Record<string, string>;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}

declare module 'express-jwt-authz' {
  import type { RequestHandler } from 'express';
  function jwtAuthz(
    expectedScopes: string[],
    options?: { customUserKey?: string; customScopeKey?: string; checkAllScopes?: boolean; failWithError?: boolean },
  ): RequestHandler;
  export default jwtAuthz;
}
