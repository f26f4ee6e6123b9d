import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { hashSecret, newSecret, secretMatchesHash, TOKEN_PREFIX } from '../crypto/tokens.js';
import type { KitContext } from '../kit/context.js';
import { storedJson } from '../store/stored.js';
import { flowCookieMatches, newFlowNonce, setFlowCookie } from './flow-cookie.js';
import { FLOW_TTL_MS } from './flow-state.js';
import { signInRequestSchema, type SignInRequest } from './sign-in-request.js';

/**
 * The state of a sign-in form (the email page, a credential form) between the page and its post.
 * Kept in the store as a `flow` record under its own hash domain, so a page flow is unknown to
 * the provider callback and a callback state is unknown here. Each post consumes its flow once: a
 * form shown again (a wrong password) gets a new one, so a form cannot be posted twice.
 *
 * A post must bring three things: the flow's handle (a hidden field), its CSRF token (another
 * hidden field, which only ever travels in a form body, never in a URL) and the flow cookie (set
 * with the page, SameSite=Lax, so a cross-site post does not carry it). The store keeps hashes of
 * all three only.
 */
export interface PageFlow {
  readonly request: SignInRequest;
  /** The provider whose credential form (or consent screen) this is; absent on the email page. */
  readonly provider?: string;
  /** `consent` on the consent screen, whose post continues to the provider step; absent on the other forms. */
  readonly step?: 'consent';
}

interface StoredPageFlow extends PageFlow {
  readonly csrf: string;
  readonly cookie: string;
}

const storedPageFlow: z.ZodType<StoredPageFlow> = z.object({
  request: signInRequestSchema,
  provider: z.string().optional(),
  step: z.literal('consent').optional(),
  csrf: z.string(),
  cookie: z.string(),
});

/** What a page with a form needs: the hidden fields, and the cookie to set with it. */
export interface IssuedPageFlow {
  readonly flow: string;
  readonly csrfToken: string;
  readonly setCookie: string;
}

function pageFlowHash(token: string): string {
  return hashSecret(`page-flow:${token}`);
}

function csrfHash(token: string): string {
  return hashSecret(`csrf:${token}`);
}

export async function savePageFlow(kit: KitContext, data: PageFlow, publicUrl: string): Promise<IssuedPageFlow> {
  const flow = newSecret(TOKEN_PREFIX.flow);
  const csrfToken = randomBytes(32).toString('base64url');
  const nonce = newFlowNonce();
  const stored: StoredPageFlow = { ...data, csrf: csrfHash(csrfToken), cookie: nonce.hash };
  const now = kit.now();
  await kit.store.putToken({
    hash: pageFlowHash(flow),
    kind: 'flow',
    clientId: data.request.clientId,
    grantId: null,
    family: null,
    createdAt: now,
    expiresAt: now + FLOW_TTL_MS,
    data: JSON.stringify(stored),
  });
  return { flow, csrfToken, setCookie: setFlowCookie(flow, nonce.nonce, publicUrl, FLOW_TTL_MS / 1000, 'signin') };
}

/**
 * Consumes the page flow a form was posted with. Undefined when the handle is unknown, expired or
 * used, the CSRF token is not the flow's, or the browser does not hold the flow's cookie: the
 * flow is burned all the same.
 */
export async function takePageFlow(kit: KitContext, flow: string, csrfToken: string, cookieHeader: string | undefined): Promise<PageFlow | undefined> {
  if (!flow.startsWith(TOKEN_PREFIX.flow) || flow.length > 128 || csrfToken.length > 128) return undefined;
  const consumed = await kit.store.consume(pageFlowHash(flow), kit.now());
  if (!consumed || !consumed.firstUse || consumed.record.kind !== 'flow') return undefined;
  const stored = storedJson(storedPageFlow, consumed.record.data);
  if (stored === undefined) return undefined;
  // Both are checked whatever the first answer, so the time taken does not say which one failed.
  const csrfOk = secretMatchesHash(`csrf:${csrfToken}`, stored.csrf);
  const cookieOk = flowCookieMatches(cookieHeader, flow, stored.cookie);
  if (!csrfOk || !cookieOk) return undefined;
  const { request, provider, step } = stored;
  return { request, ...(provider !== undefined ? { provider } : {}), ...(step !== undefined ? { step } : {}) };
}
