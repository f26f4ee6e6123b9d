import { ApiKeys } from '../apikeys.js';
import { positiveInt, UsageError } from './args.js';
import { command, type CommandGroup } from './command.js';
import { withStore } from './context.js';
import { printList } from './print-list.js';
import { time } from './table.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const create = command({
  name: 'api-keys create',
  summary: 'Creates an API key (gk_key_…) for a client and prints it, once.',
  details: `Only the key's hash is stored. The CLI does not know the app's client list, so it takes the
client id as given.`,
  args: [],
  options: {
    client: { type: 'string', value: 'ID', help: 'the client the key acts for; default GRANTKIT_CLIENT_ID' },
    label: { type: 'string', value: 'TEXT', help: 'a note that api-keys list shows, to tell keys apart' },
    'expires-in': { type: 'string', value: 'DAYS', help: 'the key expires after DAYS days; default never' },
    json: { type: 'boolean', help: 'print the key and its record as JSON' },
  },
  examples: ['npx grantkit api-keys create --client my-app --label "ci deploy" --expires-in 90'],
  run: async (args, io) => {
    const clientId = args.string('client') ?? io.env['GRANTKIT_CLIENT_ID'];
    if (!clientId) throw new UsageError('api-keys create needs --client ID (or GRANTKIT_CLIENT_ID)');
    const days = positiveInt(args.string('expires-in'), 'expires-in');
    const label = args.string('label');
    return withStore(io, async (store) => {
      const now = Date.now();
      const keys = new ApiKeys(store, () => now, clientId, () => true);
      const created = await keys.create({
        clientId,
        ...(label === undefined ? {} : { label }),
        ...(days === undefined ? {} : { expiresAt: now + days * DAY_MS }),
      });
      if (args.flag('json')) {
        io.out(JSON.stringify(created));
        return 0;
      }
      io.out(`Created API key ${created.id} for client ${created.clientId}, expiring ${time(created.expiresAt)}.`);
      io.out('This is the only time it is shown; only its hash is stored:');
      io.out('');
      io.out(created.key);
      return 0;
    });
  },
});

const list = command({
  name: 'api-keys list',
  summary: 'Lists API keys by id (key_…), client, label and expiry; never a key.',
  args: [],
  options: {
    client: { type: 'string', value: 'ID', help: "only this client's keys" },
    json: { type: 'boolean', help: 'print a JSON array' },
  },
  examples: ['npx grantkit api-keys list --client my-app'],
  run: async (args, io) => {
    const clientId = args.string('client');
    return withStore(io, async (store) => {
      const keys = await new ApiKeys(store, Date.now, clientId ?? '', () => true).list(clientId);
      return printList(io, keys, {
        json: args.flag('json'),
        none: 'No API keys.',
        header: ['ID', 'CLIENT', 'CREATED', 'EXPIRES', 'LABEL'],
        row: (k) => [k.id, k.clientId, time(k.createdAt), time(k.expiresAt), k.label],
      });
    });
  },
});

const revoke = command({
  name: 'api-keys revoke',
  summary: 'Revokes an API key by its id (key_…), on every instance at once.',
  details: `Only the id is accepted, as api-keys list shows it: a key typed on a command line ends up in
shell history.`,
  args: ['KEY_ID'],
  options: {},
  examples: ['npx grantkit api-keys revoke key_XXXXXXXXXXXXXXXX'],
  run: async (args, io) => {
    const id = args.arg('KEY_ID');
    if (!id.startsWith('key_')) throw new UsageError('api-keys revoke takes the key id (key_…), as api-keys list shows it');
    return withStore(io, async (store) => {
      const done = await new ApiKeys(store, Date.now, '', () => true).revoke(id);
      if (!done) {
        io.err(`grantkit: no API key with id ${id}`);
        return 1;
      }
      io.out(`Revoked API key ${id}.`);
      return 0;
    });
  },
});

export const apiKeys: CommandGroup = {
  name: 'api-keys',
  summary: "Create, list and revoke a client's API keys (gk_key_…).",
  commands: [create, list, revoke],
};
