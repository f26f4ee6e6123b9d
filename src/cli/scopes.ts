import { loadApp } from './app-module.js';
import { command } from './command.js';
import { scopeReportLines } from './scope-table.js';

export const scopes = command({
  name: 'scopes',
  summary: "Prints the scopes an app's guarded routes need, and the least-privileged set that covers them all.",
  details: [
    'MODULE is a JavaScript module that exports the app (an Express app or router, a Koa app or',
    '@koa/router router), and may export its grantkit middleware too. Loading it must not start a',
    'server. For a TypeScript module, run the command under tsx: NODE_OPTIONS="--import tsx".',
    'The report lists each guarded route with the scope sets that satisfy it, the least-privileged',
    'Nylas, Google and Microsoft scopes for all of them, and the default scopes that are wider or',
    'narrower than that.',
  ].join('\n'),
  args: ['MODULE'],
  options: {
    export: { type: 'string', value: 'NAME', help: 'the export that holds the app, when the module exports several' },
    json: { type: 'boolean', help: 'print the report as JSON' },
  },
  examples: ['npx grantkit scopes ./dist/app.js', 'npx grantkit scopes ./dist/app.js --json'],
  run: async (args, io) => {
    const { app, reporter } = await loadApp(args.arg('MODULE'), args.string('export'));
    const report = await reporter.scopeReport(app);
    if (args.flag('json')) io.out(JSON.stringify(report));
    else for (const line of scopeReportLines(report)) io.out(line);
    return 0;
  },
});
