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

/** A variant's name, for the names the targets and reports compare by. */
export const bareName = (fw: Framework): string => `${fw} bare`;
export const referenceName = (fw: Framework): string => `${fw} + reference check (30 lines)`;
export const grantkitName = (fw: Framework, store: string): string => `${fw} + grantkit (${store})`;

/** grantkit on each networked or embedded store, with and without the cache where it has one. */
const stores = (framework: Framework): Variant[] =>
  (
    [
      ['sqlite', false],
      ['redis', false],
      ['redis', true],
      ['postgres', false],
      ['postgres', true],
    ] as const
  ).map(([kind, cache]) => ({
    name: grantkitName(framework, `${kind}${cache ? ', cache' : ''}`),
    framework,
    server: `${framework}-grantkit`,
    env: { BENCH_STORE: kind, BENCH_CACHE: cache ? 'on' : 'off' },
  }));

export const VARIANTS: readonly Variant[] = [
  { name: bareName('express'), framework: 'express', server: 'express-bare', bare: true, quick: true },
  { name: 'express + one no-op layer', framework: 'express', server: 'express-bare', env: { BENCH_NOOP_LAYER: 'on' }, quick: true },
  { name: referenceName('express'), framework: 'express', server: 'express-reference', quick: true },
  { name: grantkitName('express', 'memory'), framework: 'express', server: 'express-grantkit', env: { BENCH_STORE: 'memory' }, quick: true },
  {
    name: 'express + express-oauth2-jwt-bearer HS256',
    framework: 'express',
    server: 'express-oauth2-jwt-bearer',
    env: { BENCH_ALG: 'HS256' },
    quick: true,
  },
  { name: 'express + express-oauth2-jwt-bearer RS256', framework: 'express', server: 'express-oauth2-jwt-bearer', env: { BENCH_ALG: 'RS256' } },
  { name: 'express + express-jwt HS256 + express-jwt-authz', framework: 'express', server: 'express-jwt' },
  ...stores('express'),
  { name: bareName('koa'), framework: 'koa', server: 'koa-bare', bare: true, quick: true },
  { name: 'koa + one no-op layer', framework: 'koa', server: 'koa-bare', env: { BENCH_NOOP_LAYER: 'on' }, quick: true },
  { name: referenceName('koa'), framework: 'koa', server: 'koa-reference', quick: true },
  { name: grantkitName('koa', 'memory'), framework: 'koa', server: 'koa-grantkit', env: { BENCH_STORE: 'memory' }, quick: true },
  { name: 'koa + koa-jwt HS256 + scope check', framework: 'koa', server: 'koa-jwt' },
  ...stores('koa'),
];

