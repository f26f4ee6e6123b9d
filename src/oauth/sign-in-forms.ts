import { errorPage } from '../errors/pages.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';

/** What the sign-in forms take for an address: the shape the native flows check. */
export const EMAIL = /^[^\s@]{1,256}@[^\s@]{1,255}$/;

/** The request's Cookie header, where the page flow's cookie comes back. */
export function cookieHeaderOf(req: RequestLike): string | undefined {
  const cookie = req.headers.cookie;
  return typeof cookie === 'string' ? cookie : undefined;
}

/** A form posted with an unknown, used or expired flow, a wrong CSRF token, or from another browser. */
export function expiredForm(): ResponseDescriptor {
  return errorPage(400, 'grant.login_id_invalid', 'This sign-in form has expired or was already used; start the sign-in again.');
}
