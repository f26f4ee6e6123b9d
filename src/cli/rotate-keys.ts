import { Keyring, KeyringError } from '../crypto/keyring.js';
import type { GrantRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { expectPositionals, parseArgs, UsageError } from './args.js';
import { withStore, type CliIo } from './context.js';

export const ROTATE_KEYS_HELP = `rotate-keys [--dry-run]
    Re-seals every grant's provider settings under the current key, so the old keys can be
    dropped. The keys come from the environment, the current one first:
      GRANTKIT_SECRET_KEYS=new,old1,old2
    or, split the way an app that reads GRANTKIT_SECRET_KEY is configured:
      GRANTKIT_SECRET_KEY=new GRANTKIT_OLD_SECRET_KEYS=old1,old2
    Each key is 32 or more characters, without commas. Rotating takes three steps: deploy the
    app with the new key first and the old ones after it; run rotate-keys; once it reports no
    grant left under an old key, and at least 15 minutes later (pending authorization codes hold
    settings sealed under the key of their day and expire by then), deploy without the old keys.
    --dry-run counts what would be re-sealed and changes nothing. Exits 1 when a grant's settings
    cannot be opened by any of the keys given.`;

const PAGE = 500;

export async function rotateKeysCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { 'dry-run': false });
  expectPositionals(args, []);
  const keyring = new Keyring(keysFromEnv(io.env));
  const dryRun = args.options.has('dry-run');
  return withStore(io, async (store) => {
    const counts = { resealed: 0, current: 0, empty: 0, changedMeanwhile: 0 };
    const failed: string[] = [];
    for await (const grant of everyGrant(store)) {
      if (grant.settings === null) {
        counts.empty++;
        continue;
      }
      if (Keyring.keyIdOf(grant.settings) === keyring.currentKeyId) {
        counts.current++;
        continue;
      }
      let resealed: string;
      try {
        // The grant id is the additional data: a sealed value only opens on its own grant.
        resealed = keyring.seal(keyring.open(grant.settings, grant.id), grant.id);
      } catch (e) {
        if (!(e instanceof KeyringError)) throw e;
        failed.push(grant.id);
        continue;
      }
      if (dryRun) {
        counts.resealed++;
        continue;
      }
      // The store has no compare-and-swap for grants: read again right before writing, so a grant
      // the app re-authorized meanwhile (sealed under the current key already) is not overwritten.
      const fresh = await store.getGrant(grant.id);
      if (!fresh || fresh.settings !== grant.settings || fresh.updatedAt !== grant.updatedAt) {
        counts.changedMeanwhile++;
        continue;
      }
      // updatedAt is kept: re-sealing changes nothing the grant's owner can see.
      await store.putGrant({ ...fresh, settings: resealed });
      counts.resealed++;
    }
    const verb = dryRun ? 'would re-seal' : 're-sealed';
    io.out(
      `Current key ${keyring.currentKeyId}: ${verb} ${counts.resealed} grant(s); ${counts.current} already current, ` +
        `${counts.empty} without settings` +
        (counts.changedMeanwhile > 0 ? `, ${counts.changedMeanwhile} changed by the app meanwhile (left as written)` : '') +
        '.',
    );
    if (failed.length > 0) {
      io.err(`grantkit: ${failed.length} grant(s) are sealed under a key that was not given; add it and run again:`);
      for (const id of failed) io.err(`  ${id}`);
      return 1;
    }
    return 0;
  });
}

/** The keyring's secrets, the current one first. Names the variable at fault, never a value. */
export function keysFromEnv(env: NodeJS.ProcessEnv): string[] {
  const list = (name: string): string[] => {
    const raw = env[name] ?? '';
    const keys = raw.split(',').map((k) => k.trim());
    keys.forEach((k, i) => {
      if (k.length < 32) throw new UsageError(`key ${i + 1} in ${name} is shorter than 32 characters`);
    });
    return keys;
  };
  const all = env['GRANTKIT_SECRET_KEYS'];
  const current = env['GRANTKIT_SECRET_KEY'];
  if (all && (current || env['GRANTKIT_OLD_SECRET_KEYS'])) {
    throw new UsageError('set either GRANTKIT_SECRET_KEYS, or GRANTKIT_SECRET_KEY with GRANTKIT_OLD_SECRET_KEYS, not both');
  }
  if (all) return list('GRANTKIT_SECRET_KEYS');
  if (!current) throw new UsageError('rotate-keys needs the keys: GRANTKIT_SECRET_KEYS, or GRANTKIT_SECRET_KEY (and GRANTKIT_OLD_SECRET_KEYS)');
  return [...list('GRANTKIT_SECRET_KEY'), ...(env['GRANTKIT_OLD_SECRET_KEYS'] ? list('GRANTKIT_OLD_SECRET_KEYS') : [])];
}

/** Every grant, oldest first, a page at a time (re-sealing keeps createdAt, so the order holds). */
async function* everyGrant(store: Store): AsyncGenerator<GrantRecord> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listGrants({ sortBy: 'createdAt', order: 'asc', limit: PAGE, offset });
    yield* page;
    if (page.length < PAGE) return;
  }
}
