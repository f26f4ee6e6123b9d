import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';

/**
 * An IMAP server for trying grantkit's IMAP sign-in with no outside account: hoodiecrow, an IMAP
 * server written in JavaScript that keeps its mailboxes in memory (a development dependency, so
 * this runs from a clone of the repository). `npm run imap` starts it; the tests start it too.
 */
/** The account of `npm run imap`. */
export const DEV_IMAP_USER = 'ada@example.com';
export const DEV_IMAP_PASSWORD = 'imap-password';

export interface DevImapServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface DevImapOptions {
  /** Accounts that may log in, by username (the address, as grantkit's IMAP form sends it by default). */
  readonly users: Readonly<Record<string, { readonly password: string }>>;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default 127.0.0.1: this machine only. */
  readonly host?: string;
}

/** hoodiecrow's server, as much of it as this module uses (the package has no types). */
interface Hoodiecrow {
  listen(port: number, host: string, cb: () => void): void;
  close(cb?: () => void): void;
  readonly server: Server;
}

export async function startDevImap(options: DevImapOptions): Promise<DevImapServer> {
  const hoodiecrow = createRequire(import.meta.url)('hoodiecrow-imap') as (o: object) => Hoodiecrow;
  const server = hoodiecrow({ users: options.users, plugins: ['ID'] });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
