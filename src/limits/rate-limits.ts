import { createHash } from 'node:crypto';
import type { AuditTrail } from '../audit/trail.js';
import { GrantKitError, isGrantKitError } from '../errors/error.js';
import { storeUnavailable, withTimeout } from '../store/fail-closed.js';
import { limiterClass, type RateLimiterBackend, type RateLimiterSpec } from './backends.js';
import { isLoginFailure, isSecretFailure } from './failures.js';
import { ipKey } from './ip-key.js';
import { rateLimited } from './rate-limited.js';

export { wrongCredential } from './failures.js';
export { ipKey } from './ip-key.js';
export { rateLimited } from './rate-limited.js';

/**
 * Brute-force limits on every place a credential is checked. The one module that decides what is
 * counted, under which key, how much is allowed, and what an over-limit request is told.
 *
 * - Logins (a password or other provider credential at /connect/authorize and /v3/connect/custom)
 *   are counted per client + email address + IP, per client + email address from any IP, and per
 *   IP. The per-address limit means nobody can lock a person out without being throttled too.
 * - Client secrets, API keys and refresh tokens are counted per IP.
 * - /v3/providers/detect is limited per client on every call, as Nylas limits it.
 *
 * Only failures count, and the over-limit check runs before the credential is verified, so a
 * correct guess made after the limit is refused too. A login first reserves an attempt
 * (atomically, in the store's counters), so a burst of concurrent password guesses cannot get more
 * than the limit past it to the provider; the reservation is given back when the attempt did not
 * fail. Client secrets and tokens are too long to guess in a burst, and a busy backend sends many
 * of them at once from one address, so they are only read before and counted after. A bearer
 * token is looked up first and only an unknown one is counted, so a valid bearer request never
 * touches a limiter.
 *
 * Counters live where the kit keeps its data (see Store.rateLimiter); a limiter whose store cannot
 * be reached fails closed with the store's 503, like every other store call.
 *
 * What counts as a failure is in failures.ts, the key of an IP in ip-key.ts and the 429 in
 * rate-limited.ts; this module holds the limits and puts them together.
 */

export interface RateLimit {
  /** Attempts allowed in the window. */
  readonly limit: number;
  /** The window in seconds, counted from the first attempt in it. */
  readonly windowSeconds: number;
}

export interface RateLimitsOptions {
  /** Failed logins per client, email address and IP. Default 5 per 15 minutes. */
  readonly loginPerAddressAndIp?: RateLimit | false;
  /** Failed logins per client and email address, from any IP. Default 20 per hour. */
  readonly loginPerAddress?: RateLimit | false;
  /** Failed logins per IP. Default 100 per hour. */
  readonly loginPerIp?: RateLimit | false;
  /** Failed client secrets, API keys and refresh tokens per IP. Default 30 per minute. */
  readonly secretPerIp?: RateLimit | false;
  /** Calls to /v3/providers/detect per client. Default 20 per minute, as Nylas allows. */
  readonly detectPerClient?: RateLimit | false;
  /**
   * Exempts an IP from the per-IP limits, e.g. the app's own servers: native authentication is
   * often posted from one backend address, which would otherwise throttle every user at once. The
   * per-address and per-client limits still apply to its requests.
   */
  readonly skip?: (ip: string) => boolean;
}

export type RateLimitName = Exclude<keyof RateLimitsOptions, 'skip'>;

/** The limits after resolution (kit/options.ts): each one set or `false`, `skip` always a function. */
export type ResolvedRateLimits = { readonly [N in RateLimitName]: RateLimit | false } & { readonly skip: (ip: string) => boolean };

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitName, RateLimit>> = Object.freeze({
  loginPerAddressAndIp: { limit: 5, windowSeconds: 15 * 60 },
  loginPerAddress: { limit: 20, windowSeconds: 60 * 60 },
  loginPerIp: { limit: 100, windowSeconds: 60 * 60 },
  secretPerIp: { limit: 30, windowSeconds: 60 },
  detectPerClient: { limit: 20, windowSeconds: 60 },
});

/** The limits' key prefixes in the stores: short, stable, one per limit. */
const PREFIX: Readonly<Record<RateLimitName, string>> = {
  loginPerAddressAndIp: 'login_addr_ip',
  loginPerAddress: 'login_addr',
  loginPerIp: 'login_ip',
  secretPerIp: 'secret_ip',
  detectPerClient: 'detect_client',
};

const isRateLimitName = (key: string): key is RateLimitName => Object.hasOwn(PREFIX, key);

/** Who is trying to sign in: the client, the address, and where the request came from. */
export interface LoginAttempt {
  readonly clientId: string;
  readonly email: string;
  readonly ip: string | undefined;
}

/** Whose attempt a 429 refuses, as the audit trail records it. */
interface Who {
  readonly ip?: string | undefined;
  readonly clientId?: string;
}

/** The exhausted limit that lasts longest: its name, its size and when it resets. */
interface Over {
  readonly ms: number;
  readonly limit: number;
  readonly name: RateLimitName;
}

interface Slot {
  readonly name: RateLimitName;
  readonly backend: RateLimiterBackend;
  readonly limit: number;
  /** The counter's key: a digest, so addresses are not kept in the clear and fit any backend. */
  readonly key: string;
}

export class RateLimits {
  readonly #limits = new Map<RateLimitName, { backend: RateLimiterBackend; limit: number }>();
  readonly #skip: (ip: string) => boolean;
  readonly #timeoutMs: number;
  readonly #Res = limiterClass('RateLimiterRes');
  readonly #audit: AuditTrail | undefined;

  /**
   * `backend` builds the counters of one limit where the store keeps its data. A limit set to
   * `false` is off. Every 429 is reported to `audit`.
   */
  constructor(limits: ResolvedRateLimits, backend: (spec: RateLimiterSpec) => RateLimiterBackend, timeoutMs: number, audit?: AuditTrail) {
    this.#timeoutMs = timeoutMs;
    this.#audit = audit;
    this.#skip = limits.skip;
    for (const name of Object.keys(PREFIX).filter(isRateLimitName)) {
      const rule = limits[name];
      if (rule === false) continue;
      this.#limits.set(name, {
        backend: backend({ keyPrefix: PREFIX[name], points: rule.limit, duration: rule.windowSeconds }),
        limit: rule.limit,
      });
    }
  }

  /**
   * Runs `verify` (the provider's check of a user's credentials) under the login limits. Over a
   * limit: 429 and the provider is not called. A refusal by the provider counts; a success clears
   * the address's counters.
   */
  async login<T>(a: LoginAttempt, verify: () => Promise<T>): Promise<T> {
    const email = a.email.toLowerCase();
    const ip = ipKey(a.ip);
    const skipIp = this.#skipped(a.ip);
    const slots = this.#slots([
      ['loginPerAddressAndIp', skipIp ? undefined : [a.clientId, email, ip]],
      ['loginPerAddress', [a.clientId, email]],
      ['loginPerIp', skipIp ? undefined : [ip]],
    ]);
    await this.#reserve(slots, { ip: a.ip, clientId: a.clientId });
    let result: T;
    try {
      result = await verify();
    } catch (e) {
      if (!isLoginFailure(e)) await this.#giveBack(slots);
      throw e;
    }
    // A success resets the address's counters; the per-IP reservation is simply given back.
    await this.#settle(slots.filter((s) => s.name !== 'loginPerIp'), 'delete');
    await this.#settle(slots.filter((s) => s.name === 'loginPerIp'), 'reward');
    return result;
  }

  /**
   * Runs `check` (a client secret, API key or refresh token being verified) under the per-IP
   * secret limit: 429 before anything is checked once the IP is over it. Failures are counted:
   * `invalid_client`, or an error marked with wrongCredential.
   */
  async secret<T>(ip: string | undefined, check: () => Promise<T>): Promise<T> {
    const slots = this.#slots([['secretPerIp', this.#skipped(ip) ? undefined : [ipKey(ip)]]]);
    await this.#refuseIfOver(slots, { ip });
    try {
      return await check();
    } catch (e) {
      if (isSecretFailure(e)) await this.#count(slots);
      throw e;
    }
  }

  /**
   * Counts a bearer token the store does not know (an API key that was guessed), after the lookup
   * so that a valid token never reads a limiter. Returns the 429 once the IP is over the limit.
   */
  async unknownBearer(ip: string | undefined): Promise<GrantKitError | undefined> {
    const slots = this.#slots([['secretPerIp', this.#skipped(ip) ? undefined : [ipKey(ip)]]]);
    try {
      await this.#reserve(slots, { ip });
    } catch (e) {
      if (isGrantKitError(e) && e.code === 'rate_limited') return e;
      throw e;
    }
    return undefined;
  }

  /** /v3/providers/detect: every call counts, per client. */
  async detect(clientId: string): Promise<void> {
    await this.#reserve(this.#slots([['detectPerClient', [clientId]]]), { clientId });
  }

  #skipped(ip: string | undefined): boolean {
    return ip !== undefined && this.#skip(ip);
  }

  #slots(wanted: readonly (readonly [RateLimitName, readonly string[] | undefined])[]): Slot[] {
    const slots: Slot[] = [];
    for (const [name, parts] of wanted) {
      const l = this.#limits.get(name);
      if (l === undefined || parts === undefined) continue;
      const key = createHash('sha256').update(parts.join('\u0000')).digest('base64url');
      slots.push({ name, backend: l.backend, limit: l.limit, key });
    }
    return slots;
  }

  /**
   * Takes one attempt from every slot. Over any limit: the attempts are given back and the 429 is
   * thrown, telling when the longest of the exhausted windows ends. A store error fails closed.
   */
  async #reserve(slots: readonly Slot[], who: Who): Promise<void> {
    if (slots.length === 0) return;
    const results = await Promise.allSettled(slots.map((s) => this.#guard(s.backend.consume(s.key))));
    const RateLimiterRes = this.#Res;
    let over: Over | undefined;
    let failure: unknown;
    const taken: Slot[] = [];
    results.forEach((r, i) => {
      const slot = slots[i]!;
      if (r.status === 'fulfilled') taken.push(slot);
      else if (isGrantKitError(r.reason) && r.reason.cause instanceof RateLimiterRes) {
        // Rejected for being over the limit: the counter still went up, so it is given back too.
        taken.push(slot);
        const ms = r.reason.cause.msBeforeNext;
        if (over === undefined || ms > over.ms) over = { ms, limit: slot.limit, name: slot.name };
      } else failure ??= r.reason;
    });
    if (failure === undefined && over === undefined) return;
    await this.#settle(taken, 'reward').catch(() => {});
    if (failure !== undefined) throw isGrantKitError(failure) ? failure : storeUnavailable(failure);
    throw this.#refused(over!, who);
  }

  /** Reads the counters without taking from them: 429 when any is already at its limit. */
  async #refuseIfOver(slots: readonly Slot[], who: Who): Promise<void> {
    const read = await Promise.all(slots.map((s) => this.#guard(s.backend.get(s.key))));
    let over: Over | undefined;
    read.forEach((res, i) => {
      const slot = slots[i]!;
      if (res !== null && res.consumedPoints >= slot.limit && (over === undefined || res.msBeforeNext > over.ms)) {
        over = { ms: res.msBeforeNext, limit: slot.limit, name: slot.name };
      }
    });
    if (over !== undefined) throw this.#refused(over, who);
  }

  /** The 429 of the limit that is over, reported to the audit trail. */
  #refused(over: Over, who: Who): GrantKitError {
    this.#audit?.emit({
      type: 'ratelimit.refused',
      limit: over.name,
      ...(who.ip !== undefined ? { ip: who.ip } : {}),
      ...(who.clientId !== undefined ? { clientId: who.clientId } : {}),
    });
    return rateLimited(over.ms, over.limit);
  }

  async #count(slots: readonly Slot[]): Promise<void> {
    await Promise.all(slots.map((s) => this.#guard(s.backend.penalty(s.key))));
  }

  async #giveBack(slots: readonly Slot[]): Promise<void> {
    await this.#settle(slots, 'reward');
  }

  async #settle(slots: readonly Slot[], how: 'reward' | 'delete'): Promise<void> {
    await Promise.all(slots.map((s) => this.#guard<unknown>(how === 'reward' ? s.backend.reward(s.key) : s.backend.delete(s.key))));
  }

  /**
   * A limiter call under the store timeout. rate-limiter-flexible rejects with a RateLimiterRes
   * when over the limit and with an Error when its store fails; the first travels as the cause of
   * a 429 marker, the second becomes the store's 503.
   */
  #guard<T>(call: Promise<T>): Promise<T> {
    const RateLimiterRes = this.#Res;
    return withTimeout(
      call.catch((e: unknown) => {
        throw e instanceof RateLimiterRes ? new GrantKitError('rate_limited', 'over', { cause: e }) : e;
      }),
      this.#timeoutMs,
    );
  }
}
