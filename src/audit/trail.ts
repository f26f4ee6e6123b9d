import { hashSecret } from '../crypto/tokens.js';
import type { GrantEvent, GrantEvents } from '../events/events.js';
import type { AuditEvent, AuditEventInput, AuditSink, HashPrefix } from './events.js';

/**
 * Delivers audit events to the app's `audit` function. A kit without that option has no trail
 * at all (`kit.audit` is undefined), and every place that reports writes
 * `kit.audit?.emit({...})`, so without it not even the event object is built.
 *
 * Delivery is synchronous, in the order decisions are made; a sink that must do slow work returns
 * a promise, which is not awaited. Whatever the sink throws or rejects with goes to `onError`
 * (the logger), never to the request.
 */
export class AuditTrail {
  readonly #sink: AuditSink;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;

  constructor(sink: AuditSink, now: () => number, onError: (error: unknown) => void) {
    this.#sink = sink;
    this.#now = now;
    this.#onError = onError;
  }

  emit(event: AuditEventInput): void {
    const stamped: AuditEvent = { ...event, time: this.#now() };
    try {
      const pending = this.#sink(stamped);
      if (pending instanceof Promise) pending.catch(this.#onError);
    } catch (e) {
      this.#onError(e);
    }
  }
}

/** How much of a SHA-256 (base64url, 43 characters) an event shows: 96 bits, as an API key's public id. */
const PREFIX_LENGTH = 16;

/** The prefix of a stored hash (a token's, or a code's, which is also its family's name). */
export function hashPrefix(hash: string): HashPrefix {
  return hash.slice(0, PREFIX_LENGTH);
}

/** The prefix of a token's hash, from the token itself. */
export function tokenHashPrefix(token: string): HashPrefix {
  return hashPrefix(hashSecret(token));
}

/**
 * Puts the grant lifecycle events (the ones webhooks deliver) into the audit trail, so the trail
 * tells the whole story without a second mechanism for them. Only ids: no email or scopes.
 */
export function auditGrantEvents(events: GrantEvents, audit: AuditTrail): void {
  events.on('*', (e: GrantEvent) =>
    audit.emit({
      type: e.type,
      grantId: e.object.grant_id,
      clientId: e.applicationId,
      provider: e.object.provider,
      ...(e.object.reauthentication_flag === true ? { reauthentication: true } : {}),
    }),
  );
}
