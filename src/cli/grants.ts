import { Keyring } from '../crypto/keyring.js';
import type { GrantFilter, GrantRecord } from '../store/records.js';
import { positiveInt } from './args.js';
import { command, type CommandGroup } from './command.js';
import { withStore } from './context.js';
import { printList } from './print-list.js';
import { time } from './table.js';

const list = command({
  name: 'grants list',
  summary: "Lists grants, newest first, with the key each one's settings are sealed under.",
  details: 'Shows the id of that key, never the settings themselves.',
  args: [],
  options: {
    client: { type: 'string', value: 'ID', help: "only this client's grants" },
    email: { type: 'string', value: 'ADDRESS', help: 'only grants for this address (any case)' },
    provider: { type: 'string', value: 'NAME', help: 'only grants from this provider' },
    limit: { type: 'string', value: 'N', help: 'at most N grants; default 100' },
    json: { type: 'boolean', help: 'print a JSON array' },
  },
  examples: ['npx grantkit grants list --client my-app --email ada@example.com'],
  run: async (args, io) => {
    const clientId = args.string('client');
    const email = args.string('email');
    const provider = args.string('provider');
    const filter: GrantFilter = {
      ...(clientId === undefined ? {} : { clientId }),
      ...(email === undefined ? {} : { email }),
      ...(provider === undefined ? {} : { provider }),
      limit: positiveInt(args.string('limit'), 'limit') ?? 100,
    };
    return withStore(io, async (store) => {
      const grants = (await store.listGrants(filter)).map(view);
      return printList(io, grants, {
        json: args.flag('json'),
        none: 'No grants.',
        header: ['ID', 'CLIENT', 'PROVIDER', 'EMAIL', 'STATUS', 'SCOPES', 'CREATED', 'KEY'],
        row: (g) => [g.id, g.client_id, g.provider, g.email, g.status, g.scopes.join(','), time(g.created_at), g.sealed_with ?? '-'],
      });
    });
  },
});

const revoke = command({
  name: 'grants revoke',
  summary: 'Deletes a grant and every token issued from it, on every instance at once.',
  args: ['GRANT_ID'],
  options: {
    'keep-grant': { type: 'boolean', help: 'revoke the tokens only: the user can authorize again and keep the grant id' },
  },
  examples: ['npx grantkit grants revoke 6f1c2a3e-0000-4000-8000-000000000000 --keep-grant'],
  run: async (args, io) => {
    const id = args.arg('GRANT_ID');
    return withStore(io, async (store) => {
      if (args.flag('keep-grant')) {
        if (!(await store.getGrant(id))) {
          io.err(`grantkit: no grant with id ${id}`);
          return 1;
        }
        const n = await store.revokeGrantTokens(id);
        io.out(`Revoked ${n} token(s) of grant ${id}; the grant is kept.`);
        return 0;
      }
      if (!(await store.deleteGrant(id))) {
        io.err(`grantkit: no grant with id ${id}`);
        return 1;
      }
      io.out(`Deleted grant ${id} and every token issued from it.`);
      return 0;
    });
  },
});

export const grants: CommandGroup = {
  name: 'grants',
  summary: 'List grants, or revoke one and its tokens.',
  commands: [list, revoke],
};

/** What is shown of a grant: everything but the sealed settings, which are named by key id only. */
function view(g: GrantRecord) {
  return {
    id: g.id,
    client_id: g.clientId,
    provider: g.provider,
    email: g.email,
    name: g.name,
    status: g.status,
    scopes: g.scopes,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
    sealed_with: g.settings === null ? null : (Keyring.keyIdOf(g.settings) ?? null),
  };
}
