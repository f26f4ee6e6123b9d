import { Keyring } from '../crypto/keyring.js';
import type { GrantFilter, GrantRecord } from '../store/records.js';
import { expectPositionals, parseArgs, positiveInt, stringOption, UsageError } from './args.js';
import { withStore, type CliIo } from './context.js';
import { table, time } from './table.js';

export const GRANTS_HELP = `grants list [--client ID] [--email ADDRESS] [--provider NAME] [--limit N] [--json]
    Lists grants, newest first. Shows the id of the key each grant's settings are sealed under,
    never the settings.
grants revoke GRANT_ID [--keep-grant]
    Deletes the grant and every token issued from it. --keep-grant revokes the tokens only, so
    the user can authorize again without losing the grant id. Takes effect at once on every
    instance sharing the store.`;

export async function grantsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'list':
      return list(rest, io);
    case 'revoke':
      return revoke(rest, io);
    default:
      throw new UsageError(sub === undefined ? 'grants needs list or revoke' : `unknown grants command "${sub}"`);
  }
}

async function list(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { client: true, email: true, provider: true, limit: true, json: false });
  expectPositionals(args, []);
  const filter: GrantFilter = {
    ...optional('clientId', stringOption(args, 'client')),
    ...optional('email', stringOption(args, 'email')),
    ...optional('provider', stringOption(args, 'provider')),
    limit: positiveInt(args, 'limit') ?? 100,
  };
  return withStore(io, async (store) => {
    const grants = (await store.listGrants(filter)).map(view);
    if (args.options.has('json')) {
      io.out(JSON.stringify(grants));
      return 0;
    }
    if (grants.length === 0) {
      io.out('No grants.');
      return 0;
    }
    const rows = grants.map((g) => [g.id, g.client_id, g.provider, g.email, g.status, g.scopes.join(','), time(g.created_at), g.sealed_with ?? '-']);
    for (const l of table(['ID', 'CLIENT', 'PROVIDER', 'EMAIL', 'STATUS', 'SCOPES', 'CREATED', 'KEY'], rows)) io.out(l);
    return 0;
  });
}

async function revoke(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { 'keep-grant': false });
  const [id] = expectPositionals(args, ['GRANT_ID']);
  return withStore(io, async (store) => {
    if (args.options.has('keep-grant')) {
      if (!(await store.getGrant(id!))) {
        io.err(`grantkit: no grant with id ${id}`);
        return 1;
      }
      const n = await store.revokeGrantTokens(id!);
      io.out(`Revoked ${n} token(s) of grant ${id}; the grant is kept.`);
      return 0;
    }
    if (!(await store.deleteGrant(id!))) {
      io.err(`grantkit: no grant with id ${id}`);
      return 1;
    }
    io.out(`Deleted grant ${id} and every token issued from it.`);
    return 0;
  });
}

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

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
