/**
 * The load generator, run by run.ts in its own process pinned to the other core, so it never
 * competes with the server it measures. Reads its settings from argv[2] (JSON) and prints one
 * JSON line with the figures run.ts needs.
 */
import autocannon from 'autocannon';
import { openLoop } from './open-loop.js';

export interface LoadSettings {
  readonly url: string;
  readonly authorization: string;
  readonly duration: number;
  readonly connections: number;
  readonly pipelining: number;
  /** A fixed request rate, for latency at a set load: then the load is open-loop.ts's, not autocannon's. */
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
const result = settings.rate === undefined ? await saturating(settings) : await atRate(settings, settings.rate);
process.stdout.write(JSON.stringify(result) + '\n');

/** As many requests as the server takes: autocannon, with pipelining. */
async function saturating(s: LoadSettings): Promise<LoadResult> {
  const r = await autocannon({
    url: s.url,
    connections: s.connections,
    pipelining: s.pipelining,
    duration: s.duration,
    headers: { authorization: s.authorization },
  });
  return {
    rps: r.requests.average,
    p99: r.latency.p99,
    latencyMean: r.latency.average,
    total: r.requests.total,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    clientCpuPct: clientCpu(),
  };
}

/** A fixed request rate, each request's latency counted from when it was due (open-loop.ts). */
async function atRate(s: LoadSettings, rate: number): Promise<LoadResult> {
  const r = await openLoop({ url: s.url, authorization: s.authorization, duration: s.duration, connections: s.connections, rate });
  return {
    rps: r.total / s.duration,
    p99: r.p99,
    latencyMean: r.mean,
    total: r.total,
    ok2xx: r.ok2xx,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    clientCpuPct: clientCpu(),
  };
}

function clientCpu(): number {
  const cpu = process.cpuUsage(cpu0);
  const elapsedUs = Number(process.hrtime.bigint() - t0) / 1000;
  return ((cpu.user + cpu.system) / elapsedUs) * 100;
}
