import { emailVerified } from '../grants/identity.js';
import type { AppCaller } from '../kit/authentication.js';
import type { KitContext } from '../kit/context.js';

/**
 * The OpenID Connect UserInfo response (Core section 5.3.2) for the grant of an access token: `sub`
 * is the grant id (the id_token's `sub` too), `email_verified` is true only when the grant's recorded
 * proof is one the provider vouches for (grants/identity.ts), and `name` is left out when the
 * provider gave none.
 */
export function userInfo(kit: KitContext, c: AppCaller): Record<string, unknown> {
  // An API key is no one's credential: only an access token has a user to describe.
  if (c.kind !== 'access') throw kit.auth.invalid();
  const grant = c.grant;
  return {
    sub: grant.id,
    email: grant.email,
    email_verified: emailVerified(grant, kit.keyring),
    ...(grant.name === '' ? {} : { name: grant.name }),
  };
}
