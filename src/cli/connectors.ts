import { isConnectorStore, type ConnectorRecord, type ConnectorStore } from '../connectors/connector-records.js';
import { UsageError } from './args.js';
import { command, type CommandGroup } from './command.js';
import { withStore, type CliIo } from './context.js';
import { printList } from './print-list.js';
import { time } from './table.js';

const list = command({
  name: 'connectors list',
  summary: 'Lists every connector, its owner and the clients it serves; never a secret.',
  details: `The owner is a client id, or "app" for a connector configured in code or stored before
connectors had owners.`,
  args: [],
  options: {
    json: { type: 'boolean', help: 'print a JSON array' },
  },
  examples: ['npx grantkit connectors list'],
  run: async (args, io) =>
    withConnectors(io, async (store) => {
      const all = (await store.listConnectors()).map(view);
      return printList(io, all, {
        json: args.flag('json'),
        none: 'No connectors.',
        header: ['PROVIDER', 'ID', 'OWNER', 'SERVES', 'CREATED'],
        row: (c) => [c.provider, c.id, c.owner ?? 'app', c.owner !== null ? c.owner : (c.clients?.join(',') ?? 'all'), time(c.created_at)],
      });
    }),
});

const serve = command({
  name: 'connectors serve',
  summary: "Narrows the app's connector of PROVIDER to some clients, or to all again.",
  args: ['PROVIDER'],
  options: {
    clients: { type: 'string', value: 'ID,ID...', help: 'the clients it serves, by id' },
    all: { type: 'boolean', help: 'serve every client again' },
  },
  synopsis: 'connectors serve PROVIDER (--clients ID,ID... | --all)',
  examples: ['npx grantkit connectors serve google --clients web-app,mobile-app', 'npx grantkit connectors serve google --all'],
  run: async (args, io) => {
    const provider = args.arg('PROVIDER');
    const named = args.string('clients');
    if ((named === undefined) === !args.flag('all')) throw new UsageError('give either --clients ID,ID... or --all');
    const clients = named === undefined ? null : [...new Set(named.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
    if (clients?.length === 0) throw new UsageError('--clients needs at least one client id');
    return withConnectors(io, async (store) => {
      const current = await store.getConnector(provider, null);
      if (!current) {
        io.err(`grantkit: the app has no ${provider} connector`);
        return 1;
      }
      await store.putConnector({ ...current, clients, updatedAt: Date.now() });
      io.out(`The app's ${provider} connector now serves ${clients === null ? 'every client' : clients.join(', ')}.`);
      return 0;
    });
  },
});

const assign = command({
  name: 'connectors assign',
  summary: "Gives the app's connector of PROVIDER, with its credentials, to one client.",
  details: "The connector then serves that client only, and that client's API keys may change or delete it over HTTP.",
  args: ['PROVIDER'],
  options: {
    client: { type: 'string', value: 'ID', help: 'the client that owns it from now on (required)' },
  },
  synopsis: 'connectors assign PROVIDER --client ID',
  examples: ['npx grantkit connectors assign google --client web-app'],
  run: async (args, io) => {
    const provider = args.arg('PROVIDER');
    const client = args.string('client');
    if (client === undefined) throw new UsageError('--client is required');
    return withConnectors(io, async (store) => {
      const current = await store.getConnector(provider, null);
      if (!current) {
        io.err(`grantkit: the app has no ${provider} connector`);
        return 1;
      }
      if (await store.getConnector(provider, client)) {
        io.err(`grantkit: client ${client} already has a ${provider} connector`);
        return 1;
      }
      // The connector keeps its id, so the grants made through it still name it. The client's copy
      // and its credentials are written before the app's row goes, so nothing is lost midway.
      const credentials = await store.listCredentials(provider, null);
      await store.putConnector({ ...current, owner: client, clients: null, updatedAt: Date.now() });
      for (const c of credentials) await store.putCredential({ ...c, owner: client });
      await store.deleteConnector(provider, null);
      io.out(`The ${provider} connector and ${credentials.length} credential(s) now belong to client ${client}.`);
      return 0;
    });
  },
});

export const connectors: CommandGroup = {
  name: 'connectors',
  summary: 'List connectors, narrow the clients the app\'s connector serves, or give it to one client.',
  commands: [list, serve, assign],
};

async function withConnectors(io: CliIo, run: (store: ConnectorStore) => Promise<number>): Promise<number> {
  return withStore(io, async (store) => {
    if (!isConnectorStore(store)) {
      io.err('grantkit: this store keeps no connectors');
      return 1;
    }
    return run(store);
  });
}

/** What is shown of a connector: never its client secret, sealed or not. */
function view(c: ConnectorRecord) {
  return {
    id: c.id,
    provider: c.provider,
    name: c.name,
    owner: c.owner,
    clients: c.clients,
    client_id: c.clientId,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}
