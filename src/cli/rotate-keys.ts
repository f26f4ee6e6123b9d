import { Keyring, KeyringError } from '../crypto/keyring.js';
import type { GrantRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { UsageError } from './args.js';
import { command } from './command.js';
import { withStore } from './context.js';
import { progress, type Progress } from './progress.js';

const PAGE = 500;

/** What one run did, grant by grant. */
interface Rotation {
  checked: number;
  resealed: number;
  current: number;
  empty: number;
  changedMeanwhile: number;
  /** Grants sealed under a key that was not given. */
  readonly unreadable: string[];
}

export const rotateKeys = command({
  name: 'rotate-keys',
  summary: "Re-seals every grant's settings under the current key, so the old keys can go.",
  details: `The keys come from the environment, the current one first:
  GRANTKIT_SECRET_KEYS=new,old1,old2
or, split the way an app that reads GRANTKIT_SECRET_KEY is configured:
  GRANTKIT_SECRET_KEY=new GRANTKIT_OLD_SECRET_KEYS=old1,old2
Each key is 32 or more characters, without commas. Rotating takes three steps: deploy the app
with the new key first and the old ones after it; run rotate-keys; once it reports no grant left
under an old key, and at least 15 minutes later (pending authorization codes hold settings sealed
under the key of their day and expire by then), deploy without the old keys. Exits 1 when a
grant's settings cannot be opened by any of the keys given, after doing the rest.`,
  args: [],
  options: {
    'dry-run': { type: 'boolean', help: 'count what would be re-sealed and change nothing' },
    json: { type: 'boolean', help: 'print the counts as JSON' },
  },
  examples: ['GRANTKIT_SECRET_KEYS="$NEW_KEY,$OLD_KEY" npx grantkit rotate-keys --dry-run'],
  run: async (args, io) => {
    const keyring = new Keyring(keysFromEnv(io.env));
    const dryRun = args.flag('dry-run');
    const json = args.flag('json');
    return withStore(io, async (store) => {
      const shown = progress(json ? undefined : io.terminal);
      let done: Rotation;
      try {
        done = await rotate(store, keyring, dryRun, shown);
      } finally {
        shown.end();
      }
      if (json) io.out(JSON.stringify(asJson(keyring.currentKeyId, dryRun, done)));
      else io.out(summary(keyring.currentKeyId, dryRun, done));
      if (done.unreadable.length > 0) {
        io.err(`grantkit: ${done.unreadable.length} grant(s) are sealed under a key that was not given; add it and run again:`);
        for (const id of done.unreadable) io.err(`  ${id}`);
        return 1;
      }
      return 0;
    });
  },
});

async function rotate(store: Store, keyring: Keyring, dryRun: boolean, shown: Progress): Promise<Rotation> {
  const done: Rotation = { checked: 0, resealed: 0, current: 0, empty: 0, changedMeanwhile: 0, unreadable: [] };
  for await (const grant of everyGrant(store)) {
    done.checked++;
    shown.update(`rotate-keys: ${done.checked} grant(s) checked, ${done.resealed} ${dryRun ? 'to re-seal' : 're-sealed'}`);
    if (grant.settings === null) {
      done.empty++;
      continue;
    }
    if (Keyring.keyIdOf(grant.settings) === keyring.currentKeyId) {
      done.current++;
      continue;
    }
    let resealed: string;
    try {
      // The grant id is the additional data: a sealed value only opens on its own grant.
      resealed = keyring.seal(keyring.open(grant.settings, grant.id), grant.id);
    } catch (e) {
      if (!(e instanceof KeyringError)) throw e;
      done.unreadable.push(grant.id);
      continue;
    }
    if (dryRun) {
      done.resealed++;
      continue;
    }
    // The store has no compare-and-swap for grants: read again right before writing, so a grant
    // the app re-authorized meanwhile (sealed under the current key already) is not overwritten.
    const fresh = await store.getGrant(grant.id);
    if (!fresh || fresh.settings !== grant.settings || fresh.updatedAt !== grant.updatedAt) {
      done.changedMeanwhile++;
      continue;
    }
    // updatedAt is kept: re-sealing changes nothing the grant's owner can see.
    await store.putGrant({ ...fresh, settings: resealed });
    done.resealed++;
  }
  return done;
}

function summary(currentKeyId: string, dryRun: boolean, done: Rotation): string {
  return (
    `Current key ${currentKeyId}: ${dryRun ? 'would re-seal' : 're-sealed'} ${done.resealed} grant(s); ${done.current} already current, ` +
    `${done.empty} without settings` +
    (done.changedMeanwhile > 0 ? `, ${done.changedMeanwhile} changed by the app meanwhile (left as written)` : '') +
    (done.unreadable.length > 0 ? `, ${done.unreadable.length} sealed under a key not given` : '') +
    `; ${done.checked} grant(s) checked.`
  );
}

function asJson(currentKeyId: string, dryRun: boolean, done: Rotation) {
  return {
    current_key: currentKeyId,
    dry_run: dryRun,
    checked: done.checked,
    resealed: done.resealed,
    already_current: done.current,
    without_settings: done.empty,
    changed_meanwhile: done.changedMeanwhile,
    unreadable: done.unreadable,
  };
}

/** The keyring's secrets, the current one first. Names the variable at fault, never a value. */
function keysFromEnv(env: NodeJS.ProcessEnv): string[] {
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
