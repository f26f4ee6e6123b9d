import * as z from 'zod';
import { hashSecret, newSecret, TOKEN_PREFIX } from '../crypto/tokens.js';
import { flowRequestFields, type FlowRequest } from './sign-in-request.js';
import type { KitContext } from '../kit/context.js';
import { storedJson } from '../store/stored.js';

/** Flow state lives 15 minutes (the user signs in at the provider meanwhile). */
export const FLOW_TTL_MS = 15 * 60 * 1000;

/**
 * Everything a hosted flow must remember between the redirect to the provider and the callback.
 * Kept in grantkit's store (TokenRecord kind `flow`), never in a session, so a flow started on one
 * instance finishes on another. The `state` sent upstream is the flow's 256-bit secret; the store
 * holds its hash only.
 */
export interface FlowData extends FlowRequest {
  readonly v: 1;
  /** The connector's provider the flow started with; the callback must be that provider's (mix-up defence). */
  readonly provider: string;
  /** The provider name the grant gets: v3 `google`/`microsoft`, v2 `gmail`/`office365`. */
  readonly grantProvider: string;
  readonly requested: readonly string[];
  readonly upstream: readonly string[];
  readonly needs: Readonly<Record<string, readonly string[]>>;
}

interface StoredFlow extends FlowData {
  /** The PKCE verifier toward the provider, sealed (AAD: the flow's hash). */
  readonly verifier: string | null;
  /** The hash of the browser's flow-cookie nonce (flow-cookie.ts); absent on flows saved before it existed. */
  readonly cookie?: string;
}

const storedFlow: z.ZodType<StoredFlow> = z.object({
  v: z.literal(1),
  ...flowRequestFields,
  provider: z.string(),
  grantProvider: z.string(),
  requested: z.array(z.string()),
  upstream: z.array(z.string()),
  needs: z.record(z.string(), z.array(z.string())),
  verifier: z.string().nullable(),
  cookie: z.string().optional(),
});

export interface TakenFlow {
  readonly data: FlowData;
  /** The upstream PKCE verifier in the clear, for the token request. */
  readonly verifier: string | null;
  /** The hash of the flow cookie's nonce, or null when the flow has none (no cookie can match). */
  readonly cookieHash: string | null;
}

/** Domain separation: a flow secret hashes differently from a code or token with the same bytes. */
function flowHash(token: string): string {
  return hashSecret(`flow:${token}`);
}

/**
 * Saves a flow and returns the secret to send upstream as `state`. `cookieHash` is the hash of the
 * nonce the browser gets in the flow cookie.
 */
export async function saveFlow(kit: KitContext, data: FlowData, verifier: string | null, cookieHash: string): Promise<string> {
  const token = newSecret(TOKEN_PREFIX.flow);
  const hash = flowHash(token);
  const now = kit.now();
  const stored: StoredFlow = { ...data, verifier: verifier === null ? null : kit.keyring.seal(verifier, hash), cookie: cookieHash };
  await kit.store.putToken({
    hash,
    kind: 'flow',
    clientId: data.clientId,
    grantId: null,
    family: null,
    createdAt: now,
    expiresAt: now + FLOW_TTL_MS,
    data: JSON.stringify(stored),
  });
  return token;
}

export type TakeResult =
  | { readonly ok: true; readonly flow: TakenFlow }
  | { readonly ok: false; readonly reason: 'unknown' | 'replayed' | 'provider_mismatch' };

/**
 * Consumes a flow atomically: of two callbacks with one state, one wins. A flow that started with
 * another provider is refused (RFC 9700 section 4.4 mix-up: a callback on provider A's route carrying the
 * state of a provider-B flow), and is burned all the same.
 */
export async function takeFlow(kit: KitContext, token: string, provider: string): Promise<TakeResult> {
  if (!token.startsWith(TOKEN_PREFIX.flow) || token.length > 128) return { ok: false, reason: 'unknown' };
  const hash = flowHash(token);
  const consumed = await kit.store.consume(hash, kit.now());
  if (!consumed || consumed.record.kind !== 'flow') return { ok: false, reason: 'unknown' };
  if (!consumed.firstUse) return { ok: false, reason: 'replayed' };
  const stored = storedJson(storedFlow, consumed.record.data);
  if (stored === undefined) return { ok: false, reason: 'unknown' };
  if (stored.provider !== provider) return { ok: false, reason: 'provider_mismatch' };
  const { verifier, cookie, ...data } = stored;
  return {
    ok: true,
    flow: { data, verifier: verifier === null ? null : kit.keyring.open(verifier, hash), cookieHash: typeof cookie === 'string' ? cookie : null },
  };
}
