import { parseStoreUrl, storeFromUrl, STORE_URL_FORMS } from '../store/from-url.js';
import type { Store } from '../store/store.js';
import type { Terminal } from './progress.js';
import { migrateHint, UnmigratedStoreError } from './unmigrated.js';

/** Where a command writes, and what it reads: injected so commands never touch process globals. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Set only when stderr is a terminal: where long commands show their progress. */
  readonly terminal?: Terminal;
}

/** The same default as the example app, so `npx grantkit` next to it works on its grants. */
export const DEFAULT_STORE = 'sqlite:./grantkit.db';

/**
 * Opens the store named by GRANTKIT_STORE for one command and closes it afterwards. Says which
 * kind of store it uses on stderr (never the URL: it may hold a password). A store whose tables
 * are missing or out of date fails with an UnmigratedStoreError that says to run `migrate`.
 */
export async function withStore<T>(io: CliIo, run: (store: Store) => Promise<T>): Promise<T> {
  const url = io.env['GRANTKIT_STORE'] || DEFAULT_STORE;
  const spec = parseStoreUrl(url);
  if (spec.kind === 'memory') io.err('grantkit: GRANTKIT_STORE=memory: whatever this command changes is lost when it exits');
  if (!io.env['GRANTKIT_STORE']) io.err(`grantkit: GRANTKIT_STORE is not set; using ${DEFAULT_STORE}`);
  const store = await storeFromUrl(url);
  try {
    return await run(store);
  } catch (e) {
    const hint = migrateHint(e);
    throw hint === undefined ? e : new UnmigratedStoreError(hint, { cause: e });
  } finally {
    await store.close?.();
  }
}

/** What GRANTKIT_STORE may be, for the help. */
export const STORE_HELP = `${STORE_URL_FORMS}; default ${DEFAULT_STORE}`;
