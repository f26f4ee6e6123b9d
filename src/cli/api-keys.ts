import { ApiKeys } from '../apikeys.js';
import { expectPositionals, parseArgs, positiveInt, stringOption, UsageError } from './args.js';
import { withStore, type CliIo } from './context.js';
import { table, time } from './table.js';

export const API_KEYS_HELP = `api-keys create [--client ID] [--label TEXT] [--expires-in DAYS] [--json]
    Creates an API key (gk_key_…) for a client and prints it once: only its hash is stored.
    --client defaults to GRANTKIT_CLIENT_ID. The CLI does not know the app's client list, so it
    takes the id as given.
api-keys list [--client ID] [--json]
    Lists API keys by id (key_…), client, label and expiry. Never prints a key.
api-keys revoke KEY_ID
    Revokes a key by its id (key_…), at once on every instance sharing the store.`;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function apiKeysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create':
      return create(rest, io);
    case 'list':
      return list(rest, io);
    case 'revoke':
      return revoke(rest, io);
    default:
      throw new UsageError(sub === undefined ? 'api-keys needs create, list or revoke' : `unknown api-keys command "${sub}"`);
  }
}

async function create(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { client: true, label: true, 'expires-in': true, json: false });
  expectPositionals(args, []);
  const clientId = stringOption(args, 'client') ?? io.env['GRANTKIT_CLIENT_ID'];
  if (!clientId) throw new UsageError('api-keys create needs --client ID (or GRANTKIT_CLIENT_ID)');
  const days = positiveInt(args, 'expires-in');
  const label = stringOption(args, 'label');
  return withStore(io, async (store) => {
    const now = Date.now();
    const keys = new ApiKeys(store, () => now, clientId, () => true);
    const created = await keys.create({
      clientId,
      ...(label === undefined ? {} : { label }),
      ...(days === undefined ? {} : { expiresAt: now + days * DAY_MS }),
    });
    if (args.options.has('json')) {
      io.out(JSON.stringify(created));
      return 0;
    }
    io.out(`Created API key ${created.id} for client ${created.clientId}, expiring ${time(created.expiresAt)}.`);
    io.out('This is the only time it is shown; only its hash is stored:');
    io.out('');
    io.out(created.key);
    return 0;
  });
}

async function list(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { client: true, json: false });
  expectPositionals(args, []);
  const clientId = stringOption(args, 'client');
  return withStore(io, async (store) => {
    const keys = await new ApiKeys(store, Date.now, clientId ?? '', () => true).list(clientId);
    if (args.options.has('json')) {
      io.out(JSON.stringify(keys));
      return 0;
    }
    if (keys.length === 0) {
      io.out('No API keys.');
      return 0;
    }
    const rows = keys.map((k) => [k.id, k.clientId, time(k.createdAt), time(k.expiresAt), k.label]);
    for (const l of table(['ID', 'CLIENT', 'CREATED', 'EXPIRES', 'LABEL'], rows)) io.out(l);
    return 0;
  });
}

async function revoke(argv: readonly string[], io: CliIo): Promise<number> {
  const [id] = expectPositionals(parseArgs(argv, {}), ['KEY_ID']);
  // Only the public id is accepted: a key typed on a command line ends up in shell history.
  if (!id!.startsWith('key_')) throw new UsageError('api-keys revoke takes the key id (key_…), as api-keys list shows it');
  return withStore(io, async (store) => {
    const done = await new ApiKeys(store, Date.now, '', () => true).revoke(id!);
    if (!done) {
      io.err(`grantkit: no API key with id ${id}`);
      return 1;
    }
    io.out(`Revoked API key ${id}.`);
    return 0;
  });
}
