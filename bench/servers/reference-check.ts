// The floor any opaque-token layer can reach: the token's SHA-256, one Map read and one Set test,
// in a single layer. Both frameworks' reference variants use it, so grantkit is measured against
// the least work its job can take, not only against no work at all. The hash is Node's one-shot
// crypto.hash(), as grantkit's: createHash() builds a Hash object per call and costs 0.7 µs
// against 0.27 µs, which would make the floor look costlier than it is, and grantkit better.
import { hash, randomBytes } from 'node:crypto';
import { GRANTS_IN_STORE, REQUIRED_SCOPE, TOKEN_SCOPES } from './common.js';

export interface ReferenceGrant {
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
}

const sha256 = (token: string): string => hash('sha256', token, 'base64url');

/** GRANTS_IN_STORE grants keyed by their token's hash, as grantkit's bench kit holds them. */
export function referenceGrants(): { readonly grants: Map<string, ReferenceGrant>; readonly token: string } {
  const grants = new Map<string, ReferenceGrant>();
  const scopes = new Set<string>(TOKEN_SCOPES);
  let token = '';
  for (let i = 0; i < GRANTS_IN_STORE; i++) {
    token = randomBytes(32).toString('base64url');
    grants.set(sha256(token), { id: `grant-${i}`, scopes });
  }
  return { grants, token };
}

/** 401 when the token is unknown, 403 without the scope, else the grant the request carries. */
export function check(grants: Map<string, ReferenceGrant>, authorization: string | undefined): ReferenceGrant | 401 | 403 {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) return 401;
  const grant = grants.get(sha256(authorization.slice(7)));
  if (grant === undefined) return 401;
  return grant.scopes.has(REQUIRED_SCOPE) ? grant : 403;
}
