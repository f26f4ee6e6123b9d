import OAuth2Strategy from 'passport-oauth2';
import type { ProviderEndpoints } from '../connectors/connector-records.js';
import { isJsonObject } from '../http/json-object.js';

/**
 * The upstream login: one passport-oauth2 `OAuth2Strategy` per connector, with
 * state and PKCE (S256) toward the provider. Passport normally keeps state in express-session;
 * here its state store is grantkit's store (see flow-state.ts), and the strategy is driven
 * directly with a minimal request object, so the core imports no web framework.
 */
export interface UpstreamProfile {
  readonly email: string;
  readonly name: string;
  /** The userinfo claims that identify the account (`sub`, `email`, `email_verified`, `tid`, `oid`). */
  readonly claims: Readonly<Record<string, unknown>>;
}

const IDENTITY_CLAIMS = ['sub', 'email', 'email_verified', 'tid', 'oid'] as const;

export interface UpstreamTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** The token response as the provider sent it (`scope`, `expires_in`, `id_token`...). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly profile: UpstreamProfile;
}

export type StrategyOutcome =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'success'; readonly tokens: UpstreamTokens }
  | { readonly kind: 'fail'; readonly message: string }
  | { readonly kind: 'error'; readonly error: unknown };

export interface StrategyConfig {
  readonly endpoints: ProviderEndpoints;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly callbackUrl: string;
  readonly timeoutMs: number;
  /** Extra authorization parameters of this provider (Google: `access_type=offline`). */
  readonly extraParams: Readonly<Record<string, string>>;
}

/** What the driver passes as passport's `state` option on the way out: it saves the flow. */
export interface OutboundState {
  save(verifier: string | null): Promise<string>;
  readonly params: Readonly<Record<string, string>>;
}

/** What the driver hands passport: a minimal request (passport reads only the query). */
interface DrivenRequest {
  readonly query: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, never>>;
  readonly headers: Readonly<Record<string, never>>;
}

interface PendingFlow {
  readonly token: string;
  readonly verifier: string | null;
}

/**
 * The flow the route already took from the store, by the request object handed to passport on the
 * way back: passport gives the state store that same object, and nothing else may name a flow.
 */
const pendingFlows = new WeakMap<object, PendingFlow>();

type Done = (err: unknown, value?: unknown, info?: unknown) => void;

/**
 * The parts of a passport-oauth2 strategy instance the driver touches. @types/passport-oauth2 types
 * them for an Express request, a boolean `pkce` and a state store without the verifier (arity 5)
 * form, none of which is how grantkit drives it, so the instance is checked for them instead.
 */
interface DrivableStrategy {
  authenticate(req: DrivenRequest, options?: Record<string, unknown>): void;
  authorizationParams(options: Record<string, unknown>): Record<string, string>;
  userProfile(accessToken: string, done: Done): void;
  success?: (user: unknown, info?: unknown) => void;
  fail?: (challenge?: unknown, status?: number) => void;
  redirect?: (url: string, status?: number) => void;
  error?: (err: unknown) => void;
  pass?: () => void;
}

function isDrivableStrategy(value: unknown): value is DrivableStrategy {
  return (
    typeof value === 'object' &&
    value !== null &&
    'authenticate' in value &&
    typeof value.authenticate === 'function' &&
    'authorizationParams' in value &&
    typeof value.authorizationParams === 'function' &&
    'userProfile' in value &&
    typeof value.userProfile === 'function'
  );
}

function isOutboundState(value: unknown): value is OutboundState {
  return typeof value === 'object' && value !== null && 'save' in value && typeof value.save === 'function';
}

/** passport-oauth2's state store contract (arity 5 store, arity 4 verify), backed by grantkit's store. */
const stateStore = {
  store(_req: unknown, verifier: string | undefined, state: unknown, _meta: unknown, cb: Done): void {
    // `state` is the option authorizationUrl() passed to authenticate().
    if (!isOutboundState(state)) return cb(new TypeError('passport-oauth2 passed no outbound state to the state store'));
    state.save(verifier ?? null).then(
      (token) => cb(null, token),
      (e: unknown) => cb(e),
    );
  },
  verify(req: unknown, providedState: unknown, _meta: unknown, cb: Done): void {
    const flow = typeof req === 'object' && req !== null ? pendingFlows.get(req) : undefined;
    // The route took (consumed) the flow before passport runs; this only re-checks the pairing.
    if (!flow || providedState !== flow.token) return cb(null, false, { message: 'Unknown state.' });
    cb(null, flow.verifier ?? true, {});
  },
};

/**
 * The verify callback, in the arity-5 form that receives the token response (passport-oauth2
 * counts the parameters, so it keeps all five). What it hands passport comes back to success().
 */
function verifyTokens(accessToken: unknown, refreshToken: unknown, params: unknown, profile: unknown, done: Done): void {
  done(null, {
    accessToken: String(accessToken),
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : undefined,
    params: isJsonObject(params) ? params : {},
    profile,
  });
}

export class UpstreamStrategy {
  readonly #strategy: DrivableStrategy;
  readonly #timeoutMs: number;

  constructor(config: StrategyConfig) {
    this.#timeoutMs = config.timeoutMs;
    const strategyOptions = {
      authorizationURL: config.endpoints.authorizationUrl,
      tokenURL: config.endpoints.tokenUrl,
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      callbackURL: config.callbackUrl,
      state: true,
      pkce: 'S256',
      store: stateStore,
      scopeSeparator: ' ',
    };
    // Built without @types/passport-oauth2's constructor signature (see DrivableStrategy), then checked.
    const strategy: unknown = Reflect.construct(OAuth2Strategy, [strategyOptions, verifyTokens]);
    if (!isDrivableStrategy(strategy)) throw new TypeError('passport-oauth2 built no OAuth 2.0 strategy');
    this.#strategy = strategy;
    const extra = config.extraParams;
    this.#strategy.authorizationParams = (options) => ({ ...extra, ...stringFields(options['params']) });
    const userinfoUrl = config.endpoints.userinfoUrl;
    this.#strategy.userProfile = (accessToken, done) => {
      fetchProfile(userinfoUrl, accessToken, config.timeoutMs).then(
        (p) => done(null, p),
        (e: unknown) => done(e),
      );
    };
  }

  /** The provider's authorization URL for a new flow; `save` stores the flow and names its state. */
  authorizationUrl(scopes: readonly string[], out: OutboundState): Promise<StrategyOutcome> {
    return this.#drive({ query: {}, body: {}, headers: {} }, { scope: [...scopes], state: out, params: out.params });
  }

  /** Exchanges the provider's code (the flow was already taken from the store) and loads the profile. */
  callback(code: string, stateToken: string, verifier: string | null): Promise<StrategyOutcome> {
    const req: DrivenRequest = { query: { code, state: stateToken }, body: {}, headers: {} };
    pendingFlows.set(req, { token: stateToken, verifier });
    return this.#drive(req, {});
  }

  #drive(req: DrivenRequest, options: Record<string, unknown>): Promise<StrategyOutcome> {
    return new Promise((resolve) => {
      // As passport does: a per-request object inheriting the strategy, with the outcome actions bound.
      const s: DrivableStrategy = Object.create(this.#strategy);
      const timer = setTimeout(() => resolve({ kind: 'error', error: new Error('provider timed out') }), this.#timeoutMs * 2);
      const settle = (o: StrategyOutcome): void => {
        clearTimeout(timer);
        resolve(o);
      };
      s.success = (user) =>
        settle(isUpstreamTokens(user) ? { kind: 'success', tokens: user } : { kind: 'error', error: new TypeError('the verify callback passed no tokens') });
      s.fail = (challenge) => settle({ kind: 'fail', message: messageOf(challenge) });
      s.redirect = (url) => settle({ kind: 'redirect', url });
      s.error = (error) => settle({ kind: 'error', error });
      s.pass = () => settle({ kind: 'fail', message: 'Nothing to do.' });
      try {
        s.authenticate(req, options);
      } catch (error) {
        settle({ kind: 'error', error });
      }
    });
  }
}

function messageOf(challenge: unknown): string {
  if (typeof challenge === 'string') return challenge;
  if (typeof challenge === 'object' && challenge !== null && 'message' in challenge && typeof challenge.message === 'string') {
    return challenge.message;
  }
  return 'Authentication failed.';
}

/** The extra authorization parameters a flow passed (its `params` option): the string-valued ones. */
function stringFields(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

function isUpstreamProfile(value: unknown): value is UpstreamProfile {
  return isJsonObject(value) && typeof value['email'] === 'string' && typeof value['name'] === 'string' && isJsonObject(value['claims']);
}

function isUpstreamTokens(value: unknown): value is UpstreamTokens {
  if (!isJsonObject(value)) return false;
  const refreshToken = value['refreshToken'];
  return (
    typeof value['accessToken'] === 'string' &&
    (refreshToken === undefined || typeof refreshToken === 'string') &&
    isJsonObject(value['params']) &&
    isUpstreamProfile(value['profile'])
  );
}

/**
 * Who signed in: OpenID userinfo (`email`, `name`) or Graph /me (`mail` or `userPrincipalName`,
 * `displayName`). An address the provider says is unverified is refused.
 */
async function fetchProfile(url: string, accessToken: string, timeoutMs: number): Promise<UpstreamProfile> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) throw new Error(`userinfo answered ${res.status}`);
  const body: unknown = await res.json();
  if (!isJsonObject(body)) throw new Error('userinfo answered no JSON object');
  if (body['email_verified'] === false) throw new Error('the provider reports the email address as unverified');
  const email = [body['email'], body['mail'], body['userPrincipalName']].find((v) => typeof v === 'string' && v !== '');
  if (typeof email !== 'string') throw new Error('the provider reported no email address');
  const name = [body['name'], body['displayName']].find((v) => typeof v === 'string');
  const claims: Record<string, unknown> = {};
  for (const k of IDENTITY_CLAIMS) if (body[k] !== undefined) claims[k] = body[k];
  return { email, name: typeof name === 'string' ? name : '', claims };
}
