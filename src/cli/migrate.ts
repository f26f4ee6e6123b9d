import { command } from './command.js';
import { withStore } from './context.js';
import { progress } from './progress.js';

export const migrate = command({
  name: 'migrate',
  summary: "Creates or updates the store's schema.",
  details: `PostgreSQL applies the migrations it has not seen, in one transaction (safe to run from several
instances at once). SQLite and Redis need none. Run it once before first use and again after
each upgrade of grantkit.`,
  args: [],
  options: {
    json: { type: 'boolean', help: 'print {"applied": [names]} instead of a sentence' },
  },
  examples: ['GRANTKIT_STORE=postgres://app@db/app npx grantkit migrate'],
  run: async (args, io) => {
    const json = args.flag('json');
    return withStore(io, async (store) => {
      if (!store.migrate) {
        io.out(json ? JSON.stringify({ applied: [] }) : 'This store needs no migrations.');
        return 0;
      }
      const shown = progress(json ? undefined : io.terminal);
      shown.update('migrate: applying migrations…');
      let result: unknown;
      try {
        result = await store.migrate();
      } finally {
        shown.end();
      }
      const applied = Array.isArray(result) ? result.filter((a): a is string => typeof a === 'string') : [];
      if (json) io.out(JSON.stringify({ applied }));
      else if (applied.length === 0) io.out('Applied 0 migrations: the schema is up to date.');
      else io.out(`Applied ${applied.length} migration(s): ${applied.join(', ')}. The schema is up to date.`);
      return 0;
    });
  },
});
