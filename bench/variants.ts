/**
 * The server variants every bench mode measures: each is a process of bench/servers/<server>.ts
 * with its environment. The throughput run (run.ts) and the instruction count (instructions.ts)
 * read the same table, so a variant's name means the same set-up in both.
 */
export type Framework = 'express' | 'koa';

export interface Variant {
  readonly name: string;
  readonly framework: Framework;
  /** bench/servers/<server>.ts */
  readonly server: string;
  readonly env?: Readonly<Record<string, string>>;
  /** The bare framework variant: the denominator of its framework's ratios. */
  readonly bare?: boolean;
  readonly quick?: boolean;
}

const store = (framework: Framework, kind: string, cache: boolean): Variant => ({
  name: `${framework} + grantkit (${kind}${cache ? ', cache' : ''})`,
  framework,
  server: `${framework}-grantkit`,
  env: { BENCH_STORE: kind, BENCH_CACHE: cache ? 'on' : 'off' },
});

export const VARIANTS: readonly Variant[] = [
  { name: 'express bare', framework: 'express', server: 'express-bare', bare: true, quick: true },
  { name: 'express + one no-op layer', framework: 'express', server: 'express-bare', env: { BENCH_NOOP_LAYER: 'on' }, quick: true },
  { name: 'express + reference check (30 lines)', framework: 'express', server: 'express-reference', quick: true },
  { name: 'express + grantkit (memory)', framework: 'express', server: 'express-grantkit', env: { BENCH_STORE: 'memory' }, quick: true },
  {
    name: 'express + express-oauth2-jwt-bearer HS256',
    framework: 'express',
    server: 'express-oauth2-jwt-bearer',
    env: { BENCH_ALG: 'HS256' },
    quick: true,
  },
  { name: 'express + express-oauth2-jwt-bearer RS256', framework: 'express', server: 'express-oauth2-jwt-bearer', env: { BENCH_ALG: 'RS256' } },
  { name: 'express + express-jwt HS256 + express-jwt-authz', framework: 'express', server: 'express-jwt' },
  store('express', 'sqlite', false),
  store('express', 'redis', false),
  store('express', 'redis', true),
  store('express', 'postgres', false),
  store('express', 'postgres', true),
  { name: 'koa bare', framework: 'koa', server: 'koa-bare', bare: true, quick: true },
  { name: 'koa + one no-op layer', framework: 'koa', server: 'koa-bare', env: { BENCH_NOOP_LAYER: 'on' }, quick: true },
  { name: 'koa + reference check (30 lines)', framework: 'koa', server: 'koa-reference', quick: true },
  { name: 'koa + grantkit (memory)', framework: 'koa', server: 'koa-grantkit', env: { BENCH_STORE: 'memory' }, quick: true },
  { name: 'koa + koa-jwt HS256 + scope check', framework: 'koa', server: 'koa-jwt' },
  store('koa', 'sqlite', false),
  store('koa', 'redis', false),
  store('koa', 'redis', true),
  store('koa', 'postgres', false),
  store('koa', 'postgres', true),
];

