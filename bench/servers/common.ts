import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { send, type CpuReply, type HeapReply, type ServerRequest } from '../protocol.js';

const require = createRequire(import.meta.url);

/** The scope every variant's route demands, and the scopes every bench token carries. */
export const REQUIRED_SCOPE = 'email.read_only';
export const TOKEN_SCOPES = ['email.read_only', 'calendar', 'contacts'] as const;
/** The reference run looked tokens up among 10,000 grants; so do we, so the Map is not trivially tiny. */
export const GRANTS_IN_STORE = 10_000;
export const BODY = { hello: 'world' } as const;

/** The version of an installed package, read from its package.json (works for npm aliases too). */
export function versionOf(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The application's own data, when BENCH_APP_HEAP_MB asks for it (`npm run bench -- --app-heap=MB`):
 * that many megabytes of small records (a string, a number, an array) kept alive for the server's
 * life. A 30-line check in a process that holds little else has a heap of about 10 MB, a real app
 * has tens or hundreds, and how often V8 collects, and how many fresh pages it touches while doing
 * so, depend on that size: grantkit's kit (zod, its tables, the grants) adds about 10 MB, and the
 * reference check given about 14 MB of plain records took as many page faults per request as
 * grantkit. With the same app heap under every variant, the ratios show what a real app pays.
 */
const appHeap: unknown[] = [];
function holdAppHeap(): void {
  const megabytes = Number(process.env['BENCH_APP_HEAP_MB'] ?? 0);
  // 146 to 167 bytes of heap per record in a bench server (at 10 and at 100 MB; the array that holds
  // them grows by doubling): its object, its string and its one-element array. 170 errs low.
  for (let i = 0; i < (megabytes * 1e6) / 170; i++) appHeap.push({ id: `record-${i}`, n: i, tags: [i & 7] });
}

/**
 * Listens on an ephemeral loopback port, then tells the parent where and with which token.
 * It also answers the parent's CPU-time questions over IPC (CPU µs per request is steadier than
 * req/s on a machine other people use at the same time), and what its heap holds.
 */
export function announce(
  server: Server,
  authorization: string,
  versions: Record<string, string>,
  note?: string,
  onClose?: () => Promise<void>,
): void {
  holdAppHeap();
  // Keep-alive far beyond a round: autocannon keeps its 100 sockets for the whole round.
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    send({ kind: 'ready', port, authorization, versions: { node: process.version, ...versions }, ...(note ? { note } : {}) });
  });
  process.on('message', (m: ServerRequest) => {
    if (m.kind === 'cpu') {
      const { user, system } = process.cpuUsage();
      const reply: CpuReply = { kind: 'cpu', user, system };
      process.send?.(reply);
    } else if (m.kind === 'heap') {
      // What the process holds for good: code, tables, grants, the app's data, without garbage.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const reply: HeapReply = { kind: 'heap', usedBytes: gc ? getHeapStatistics().used_heap_size : NaN };
      process.send?.(reply);
    }
  });
  // The parent going away (Ctrl-C, crash) must not leave servers pinned to core 0.
  const stop = (): void => {
    server.close();
    void (onClose ? onClose() : Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}

/** A variant that cannot run here says why and leaves; the parent prints the reason and goes on. */
export function skip(reason: string): never {
  send({ kind: 'skip', reason });
  process.exit(0);
}
