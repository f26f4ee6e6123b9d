import { GrantKitError } from '../errors/error.js';
import type { V2Scope } from '../scopes/catalog.js';
import { GOOGLE_IDENTITY_SCOPES, GOOGLE_PREFIX, V2_TO_GOOGLE } from '../scopes/provider-google.js';
import { isExchangeScope, MICROSOFT_IDENTITY_SCOPES, shortGraphScope, V2_TO_MICROSOFT } from '../scopes/provider-microsoft.js';
import type { ConnectorRecord } from '../connectors/connector-records.js';

/**
 * One scope model for v2 and v3: what to ask the provider for, and what the grant
 * keeps once the provider answers. The grant keeps the requested scopes the provider granted;
 * when the provider granted less than the request needs, the authentication fails with
 * `grant.scopes_conflict`.
 */
export interface ScopePlan {
  /** What the grant will hold: v2 Nylas scopes, or v3 provider scopes as requested. */
  readonly requested: readonly string[];
  /** What grantkit asks the provider for (requested data scopes plus identity scopes). */
  readonly upstream: readonly string[];
  /** For each requested scope, the provider scopes that must come back granted. */
  readonly needs: Readonly<Record<string, readonly string[]>>;
}

/** Scopes that only say who the user is, or ask for a refresh token: providers may leave them out of `scope`. */
const IDENTITY = new Set([
  'openid',
  'email',
  'profile',
  'offline_access',
  `${GOOGLE_PREFIX}userinfo.email`,
  `${GOOGLE_PREFIX}userinfo.profile`,
]);

/** Identity scopes grantkit adds for each provider, so the userinfo call can name the account. */
function identityScopes(provider: string): readonly string[] {
  if (provider === 'google') return GOOGLE_IDENTITY_SCOPES;
  if (provider === 'microsoft') return MICROSOFT_IDENTITY_SCOPES;
  return [];
}

/** v2: the closed vocabulary, mapped to provider scopes by Nylas's v2 scope table. */
export function planV2(provider: 'google' | 'microsoft', scopes: readonly V2Scope[]): ScopePlan {
  const table = provider === 'google' ? V2_TO_GOOGLE : V2_TO_MICROSOFT;
  const needs: Record<string, readonly string[]> = {};
  const upstream = new Set<string>(identityScopes(provider));
  for (const s of scopes) {
    needs[s] = table[s];
    for (const p of table[s]) upstream.add(p);
  }
  return { requested: [...scopes], upstream: [...upstream], needs };
}

/**
 * v3: provider scopes as given. Request scopes win over the connector's defaults, at
 * least one set must exist, and each must literally match the connector's allowed list. Exchange
 * scopes are refused. The identity scopes an OpenID client asks for (`openid`, `email`, `profile`,
 * `offline_access`) grant no mailbox access, so no allowed list needs to name them; Google has no
 * `offline_access` scope (grantkit asks it for offline access by `access_type=offline`), so that one
 * is not sent to Google.
 */
export function planV3(connector: ConnectorRecord, requested: readonly string[] | undefined): ScopePlan {
  const scopes = [...new Set(requested !== undefined && requested.length > 0 ? requested : connector.defaultScopes)];
  if (scopes.length === 0) {
    throw bad(`No scopes: send "scope", or set default scopes on the ${connector.provider} connector.`);
  }
  const exchange = scopes.find(isExchangeScope);
  if (exchange !== undefined) {
    throw bad(
      `Exchange scope "${exchange.slice(0, 128)}" is not supported in v3: Microsoft Exchange (EAS/EWS) scopes are replaced by Microsoft Graph scopes such as Mail.Read.`,
    );
  }
  if (connector.allowedScopes !== null) {
    const outside = scopes.find((s) => !IDENTITY.has(s) && !connector.allowedScopes!.includes(s));
    if (outside !== undefined) throw bad(`Scope "${outside.slice(0, 128)}" is not allowed by the ${connector.provider} connector.`);
  }
  const needs: Record<string, readonly string[]> = {};
  for (const s of scopes) needs[s] = [s];
  const sent = connector.provider === 'google' ? scopes.filter((s) => s !== 'offline_access') : scopes;
  const upstream = new Set<string>([...sent, ...identityScopes(connector.provider)]);
  return { requested: scopes, upstream: [...upstream], needs };
}

/**
 * What the grant keeps: the requested scopes the provider granted. A requested data scope that
 * came back missing is `grant.scopes_conflict`; a requested identity scope (`offline_access`,
 * `openid`...) that providers leave out of `scope` is just dropped. A provider that reports no
 * `scope` granted what was asked (RFC 6749 section 5.1).
 */
export function consented(plan: ScopePlan, provider: string, grantedScope: unknown): string[] {
  if (typeof grantedScope !== 'string' || grantedScope.trim() === '') return [...plan.requested];
  const norm = provider === 'microsoft' ? shortGraphScope : (s: string): string => s;
  const granted = new Set(grantedScope.trim().split(/\s+/).map(norm));
  const kept: string[] = [];
  for (const r of plan.requested) {
    if ((plan.needs[r] ?? [r]).every((p) => granted.has(norm(p)))) kept.push(r);
    else if (!IDENTITY.has(r)) throw scopesConflict();
  }
  return kept;
}

function scopesConflict(): GrantKitError {
  return new GrantKitError(
    'invalid_request',
    'Some requested scopes were not included in the completed hosted auth, resulting in denied authentication.',
    { v3Type: 'grant.scopes_conflict' },
  );
}

function bad(message: string): GrantKitError {
  return new GrantKitError('invalid_request', message);
}
