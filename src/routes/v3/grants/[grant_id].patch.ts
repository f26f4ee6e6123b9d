import { grantView } from '../../../grants/v3-view.js';
import * as z from 'zod';
import { GrantKitError } from '../../../errors/error.js';
import { grantEvent } from '../../../events/events.js';
import { verifyCustom } from '../../../flows/custom.js';
import { authorizeSignIn } from '../../../grants/reauthentication.js';
import { grantMeta, recordedConnector, sealGrantSettings } from '../../../grants/sealed-settings.js';
import { parseInput } from '../../../http/validate.js';
import { scopeVocabularyOf } from '../../../scopes/vocabulary.js';
import type { GrantRecord } from '../../../store/records.js';
import type { Route } from '../../route.js';
import { apiKeyCaller, namedGrant } from '../caller.js';
import { v3Json } from '../envelope.js';

export const grantPatchBody = z.object({
  settings: z.record(z.string(), z.unknown()).optional(),
  scope: z.array(z.string().min(1).max(512)).min(1).max(200).optional(),
});

/**
 * PATCH /v3/grants/{grant_id}. `scope` may only narrow the grant: widening needs the user
 * to consent again (changing scopes means authenticating again), so it is a 400.
 * `settings` replaces the provider credentials, checked with the provider like custom auth; they
 * must belong to the same account.
 */
export const grantsUpdate: Route = {
  method: 'PATCH',
  path: '/v3/grants/:grant_id',
  family: 'v3',
  readsBody: true,
  async handler({ kit, req, params }) {
    const current = await namedGrant(kit, await apiKeyCaller(kit, req), params['grant_id']!, false);
    const patch = parseInput(grantPatchBody, req.body);
    let scopes = current.scopes;
    if (patch.scope !== undefined) {
      const wider = patch.scope.find((s) => !current.scopes.includes(s));
      if (wider !== undefined) {
        throw new GrantKitError(
          'invalid_request',
          `Scope "${wider.slice(0, 128)}" is not among the grant's scopes: widening scopes needs the user to re-authenticate.`,
        );
      }
      scopes = [...new Set(patch.scope)];
    }
    const meta = grantMeta(kit.keyring, current);
    let settings = current.settings;
    let status = current.status;
    let identity = current.identity;
    let replace = false;
    if (patch.settings !== undefined) {
      const verified = await verifyCustom(kit, current.provider, patch.settings, scopes, current.name, meta.state, { clientId: current.clientId, ip: req.ip });
      if (verified.email.toLowerCase() !== current.email.toLowerCase()) {
        throw new GrantKitError('invalid_request', 'Email addresses did not match during re-authentication.', {
          v3Type: 'grant.reauth_email_invalid',
        });
      }
      // New credentials are a sign-in like any other: the same rule decides (grants/reauthentication.ts).
      replace = authorizeSignIn(kit.keyring, current, verified.identity, 'v3') === 'replace';
      identity = verified.identity;
      settings = sealGrantSettings(kit.keyring, current.id, verified.settings, verified.meta);
      status = 'valid';
    }
    const now = kit.now();
    // Narrowed scopes keep the vocabulary they were granted in; a grant stored before grants
    // recorded it gets it written now, worked out before the settings are replaced.
    const scopeVocabulary = scopeVocabularyOf(current, () => recordedConnector(kit.keyring, current));
    const updated: GrantRecord = { ...current, scopes, settings, status, updatedAt: now, scopeVocabulary, ...(identity ? { identity } : {}) };
    await kit.store.putGrant(updated);
    if (replace) await kit.store.revokeGrantTokens(current.id);
    await kit.events.emit(
      grantEvent('grant.updated', updated, now, {
        integrationId: meta.connectorId ?? null,
        reauthentication: patch.settings !== undefined,
      }),
    );
    return v3Json(200, { data: grantView(kit.keyring, updated) });
  },
};
