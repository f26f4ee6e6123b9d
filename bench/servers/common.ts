import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send, type CpuReply, type CpuRequest } from '../protocol.js';

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
 * Listens on an ephemeral loopback port, then tells the parent where and with which token.
 * It also answers the parent's CPU-time questions over IPC: CPU µs per request is steadier than
 * req/s on a machine other people use at the same time.
 */
export function announce(
  server: Server,
  authorization: string,
  versions: Record<string, string>,
  note?: string,
  onClose?: () => Promise<void>,
): void {
  // Keep-alive far beyond a round: autocannon keeps its 100 sockets for the whole round.
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    send({ kind: 'ready', port, authorization, versions: { node: process.version, ...versions }, ...(note ? { note } : {}) });
  });
  process.on('message', (m: CpuRequest) => {
    if (m.kind !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    const reply: CpuReply = { kind: 'cpu', user, system };
    process.send?.(reply);
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
