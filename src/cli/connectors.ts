import { isConnectorStore, type ConnectorRecord, type ConnectorStore } from '../connectors/records.js';
import { expectPositionals, parseArgs, stringOption, UsageError } from './args.js';
import { withStore, type CliIo } from './context.js';
import { table, time } from './table.js';

export const CONNECTORS_HELP = `connectors list [--json]
    Lists every connector: its owner (a client id, or "app" for one configured in code or
    stored before connectors had owners) and the clients it serves. Never a secret.
connectors serve PROVIDER (--clients ID,ID... | --all)
    Narrows the app's connector of PROVIDER to the named clients, or serves every client again.
connectors assign PROVIDER --client ID
    Gives the app's connector of PROVIDER, with its credentials, to one client: it then serves
    that client only, and that client's API keys may change or delete it over HTTP.`;

export async function connectorsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'serve':
      return serve(rest, io);
    case 'assign':
      return assign(rest, io);
    default:
      throw new UsageError(sub === undefined ? 'connectors needs list, serve or assign' : `unknown connectors command "${sub}"`);
  }
}

async function withConnectors(io: CliIo, run: (store: ConnectorStore) => Promise<number>): Promise<number> {
  return withStore(io, async (store) => {
    if (!isConnectorStore(store)) {
      io.err('grantkit: this store keeps no connectors');
      return 1;
    }
    return run(store);
  });
}

async function list(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: false });
  expectPositionals(args, []);
  return withConnectors(io, async (store) => {
    const all = (await store.listConnectors()).map(view);
    if (args.options.has('json')) {
      io.out(JSON.stringify(all));
      return 0;
    }
    if (all.length === 0) {
      io.out('No connectors.');
      return 0;
    }
    const rows = all.map((c) => [c.provider, c.id, c.owner ?? 'app', c.owner !== null ? c.owner : (c.clients?.join(',') ?? 'all'), time(c.created_at)]);
    for (const l of table(['PROVIDER', 'ID', 'OWNER', 'SERVES', 'CREATED'], rows)) io.out(l);
    return 0;
  });
}

async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { clients: true, all: false });
  const [provider] = expectPositionals(args, ['PROVIDER']);
  const named = stringOption(args, 'clients');
  if ((named === undefined) === !args.options.has('all')) throw new UsageError('give either --clients ID,ID... or --all');
  const clients = named === undefined ? null : [...new Set(named.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (clients?.length === 0) throw new UsageError('--clients needs at least one client id');
  return withConnectors(io, async (store) => {
    const current = await store.getConnector(provider!, null);
    if (!current) {
      io.err(`grantkit: the app has no ${provider} connector`);
      return 1;
    }
    await store.putConnector({ ...current, clients, updatedAt: Date.now() });
    io.out(`The app's ${provider} connector now serves ${clients === null ? 'every client' : clients.join(', ')}.`);
    return 0;
  });
}

async function assign(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { client: true });
  const [provider] = expectPositionals(args, ['PROVIDER']);
  const client = stringOption(args, 'client');
  if (client === undefined) throw new UsageError('--client is required');
  return withConnectors(io, async (store) => {
    const current = await store.getConnector(provider!, null);
    if (!current) {
      io.err(`grantkit: the app has no ${provider} connector`);
      return 1;
    }
    if (await store.getConnector(provider!, client)) {
      io.err(`grantkit: client ${client} already has a ${provider} connector`);
      return 1;
    }
    // The connector keeps its id, so the grants made through it still name it. The client's copy
    // and its credentials are written before the app's row goes, so nothing is lost midway.
    const credentials = await store.listCredentials(provider!, null);
    await store.putConnector({ ...current, owner: client, clients: null, updatedAt: Date.now() });
    for (const c of credentials) await store.putCredential({ ...c, owner: client });
    await store.deleteConnector(provider!, null);
    io.out(`The ${provider} connector and ${credentials.length} credential(s) now belong to client ${client}.`);
    return 0;
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
