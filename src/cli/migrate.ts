import { expectPositionals, parseArgs } from './args.js';
import { withStore, type CliIo } from './context.js';

export const MIGRATE_HELP = `migrate
    Creates or updates the store's schema. PostgreSQL applies the migrations it has not seen (safe
    to run from several instances at once); SQLite and Redis need none.`;

export async function migrateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  expectPositionals(parseArgs(argv, {}), []);
  return withStore(io, async (store) => {
    if (!store.migrate) {
      io.out('This store needs no migrations.');
      return 0;
    }
    const applied = await store.migrate();
    const names = Array.isArray(applied) ? applied.filter((a): a is string => typeof a === 'string') : [];
    io.out(names.length === 0 ? 'The schema is up to date.' : `Applied ${names.length} migration(s): ${names.join(', ')}`);
    return 0;
  });
}
