import type * as z from 'zod';
import { GrantKitError } from '../errors/error.js';
import { errorPage } from '../errors/pages.js';
import type { RequestLike, ResponseDescriptor } from '../http/types.js';
import { parseInput } from '../http/validate.js';
import type { KitContext } from '../kit/context.js';
import { takePageFlow, type PageFlow } from './page-flow.js';
import { requestLook } from './page-look.js';

/** What the sign-in forms take for an address: the shape the native flows check. */
export const EMAIL = /^[^\s@]{1,256}@[^\s@]{1,255}$/;

/** The request's Cookie header, where the page flow's cookie comes back. */
export function cookieHeaderOf(req: RequestLike): string | undefined {
  const cookie = req.headers.cookie;
  return typeof cookie === 'string' ? cookie : undefined;
}

/**
 * A form posted with an unknown, used or expired flow, a wrong CSRF token, or from another
 * browser. No flow stands behind it, so the page is in the request's language, and plain.
 */
export function expiredForm(req: RequestLike): ResponseDescriptor {
  return errorPage({ status: 400, type: 'grant.login_id_invalid', message: 'formExpired' }, requestLook(req));
}

/** A sign-in form's post: its fields, and the page flow it consumed (undefined when that flow does not stand). */
export interface PostedForm<T> {
  readonly form: T;
  readonly taken: PageFlow | undefined;
}

/**
 * Reads a sign-in form's post and consumes its page flow (page-flow.ts). Fields that do not parse,
 * which a form grantkit showed never sends, answer a 400 page instead.
 */
export async function takeSignInForm<T extends { readonly flow: string; readonly csrf_token: string }>(
  kit: KitContext,
  req: RequestLike,
  schema: z.ZodType<T>,
): Promise<PostedForm<T> | ResponseDescriptor> {
  let form: T;
  try {
    form = parseInput(schema, req.body);
  } catch (e) {
    if (e instanceof GrantKitError) return errorPage({ status: 400, type: 'invalid_request', message: 'badForm' }, requestLook(req));
    throw e;
  }
  return { form, taken: await takePageFlow(kit, form.flow, form.csrf_token, cookieHeaderOf(req)) };
}
