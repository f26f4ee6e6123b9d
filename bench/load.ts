/**
 * The load generator, run by run.ts in its own process pinned to the other core, so it never
 * competes with the server it measures. Reads its settings from argv[2] (JSON) and prints one
 * JSON line with the figures run.ts needs.
 */
import autocannon from 'autocannon';

export interface LoadSettings {
  readonly url: string;
  readonly authorization: string;
  readonly duration: number;
  readonly connections: number;
  readonly pipelining: number;
  /** A fixed request rate for the whole run (autocannon's overallRate), for latency at a set load. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly rps: number;
  readonly p99: number;
  readonly latencyMean: number;
  readonly total: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** CPU the load generator itself used, in % of one core: near 100 means it, not the server, is the limit. */
  readonly clientCpuPct: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as LoadSettings;
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const r = await autocannon({
  url: settings.url,
  connections: settings.connections,
  pipelining: settings.pipelining,
  duration: settings.duration,
  headers: { authorization: settings.authorization },
  ...(settings.rate !== undefined ? { overallRate: settings.rate } : {}),
});
const cpu = process.cpuUsage(cpu0);
const elapsedUs = Number(process.hrtime.bigint() - t0) / 1000;
const result: LoadResult = {
  rps: r.requests.average,
  p99: r.latency.p99,
  latencyMean: r.latency.average,
  total: r.requests.total,
  ok2xx: r['2xx'],
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  clientCpuPct: ((cpu.user + cpu.system) / elapsedUs) * 100,
};
process.stdout.write(JSON.stringify(result) + '\n');
