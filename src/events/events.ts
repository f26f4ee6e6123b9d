import { randomUUID } from 'node:crypto';
import type { GrantRecord } from '../store/records.js';

/**
 * Grant lifecycle events (Nylas's re-authentication and webhook notifications). The app subscribes
 * in-process with `kit.events.on(...)`. Listeners run after the current request's work (on
 * setImmediate), so a slow or throwing listener never delays or breaks a response. Webhooks are
 * not a listener: each event is written to the delivery queue (the outbox) as it is emitted.
 */
export type GrantEventType = 'grant.created' | 'grant.updated' | 'grant.deleted' | 'grant.expired';

/** Nylas's notification codes per trigger; 25027 marks an update that was a re-authentication. */
export const GRANT_EVENT_CODES: Readonly<Record<GrantEventType, number>> = {
  'grant.created': 25012,
  'grant.updated': 25014,
  'grant.deleted': 25013,
  'grant.expired': 25009,
};
const REAUTHENTICATION_CODE = 25027;

/** `data.object` of the webhook, field for field. */
export interface GrantEventObject {
  readonly code: number;
  readonly grant_id: string;
  /** The connector's id, or null for grants made by a native provider without a connector. */
  readonly integration_id: string | null;
  readonly provider: string;
  readonly email: string;
  /** grant.created */
  readonly name?: string;
  readonly scope?: readonly string[];
  /** grant.updated: true when the update was a re-authentication (same grant id, fresh credentials). */
  readonly reauthentication_flag?: boolean;
  /** grant.expired: when the grant was last updated (unix seconds), the start of the gap to back-fill. */
  readonly grant_updated_at?: number;
}

export interface GrantEvent {
  /** Unique per notification: receivers dedupe on it (delivery is at least once). */
  readonly id: string;
  readonly type: GrantEventType;
  /** Unix seconds on the kit's clock. */
  readonly time: number;
  /** The OAuth client (Nylas application) the grant belongs to. */
  readonly applicationId: string;
  readonly object: GrantEventObject;
}

export type GrantEventListener = (event: GrantEvent) => void | Promise<void>;

/** Where an event is written to last beyond the process (the webhook delivery queue) before emit() resolves. */
export type GrantEventOutbox = (event: GrantEvent) => Promise<void>;

export class GrantEvents {
  readonly #listeners = new Map<GrantEventType | '*', Set<GrantEventListener>>();
  readonly #onError: (e: unknown) => void;
  readonly #outbox: GrantEventOutbox | undefined;

  constructor(onError: (e: unknown) => void, outbox?: GrantEventOutbox) {
    this.#onError = onError;
    this.#outbox = outbox;
  }

  /** Subscribes to one type, or to all with `'*'`. Returns the unsubscribe function. */
  on(type: GrantEventType | '*', listener: GrantEventListener): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => this.off(type, listener);
  }

  off(type: GrantEventType | '*', listener: GrantEventListener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Resolves with the next event of this type (handy in tests and scripts). */
  once(type: GrantEventType | '*'): Promise<GrantEvent> {
    return new Promise((resolve) => {
      const off = this.on(type, (e) => {
        off();
        resolve(e);
      });
    });
  }

  /**
   * Emits: listeners run on the next turn of the event loop, without being waited for. The promise
   * resolves once the event is in the webhook delivery queue; grantkit's own changes wait for it
   * before they answer, so a crash after an answer loses no webhook. It never rejects: a queue that
   * fails is reported to `onError`, since the change itself has been made.
   */
  emit(event: GrantEvent): Promise<void> {
    this.#notify(event);
    return this.#outbox ? this.#outbox(event).catch(this.#onError) : Promise.resolve();
  }

  #notify(event: GrantEvent): void {
    const targets = [...(this.#listeners.get(event.type) ?? []), ...(this.#listeners.get('*') ?? [])];
    if (targets.length === 0) return;
    setImmediate(() => {
      for (const listener of targets) {
        try {
          const r = listener(event);
          if (r instanceof Promise) r.catch(this.#onError);
        } catch (e) {
          this.#onError(e);
        }
      }
    });
  }
}

/** What an event is built from: these fields of a grant record. */
export type GrantEventSource = Pick<GrantRecord, 'id' | 'clientId' | 'provider' | 'email' | 'name' | 'scopes' | 'updatedAt'>;

export interface GrantEventExtras {
  readonly integrationId?: string | null;
  readonly reauthentication?: boolean;
  /** For grant.expired: the grant's updatedAt before it expired (ms). */
  readonly previousUpdatedAt?: number;
}

/** Builds an event from a grant record and the kit's clock (ms). */
export function grantEvent(type: GrantEventType, grant: GrantEventSource, nowMs: number, extras: GrantEventExtras = {}): GrantEvent {
  const base = {
    grant_id: grant.id,
    integration_id: extras.integrationId ?? null,
    provider: grant.provider,
    email: grant.email,
  };
  let object: GrantEventObject;
  switch (type) {
    case 'grant.created':
      object = { code: GRANT_EVENT_CODES[type], ...base, name: grant.name, scope: [...grant.scopes] };
      break;
    case 'grant.updated':
      object = {
        code: extras.reauthentication ? REAUTHENTICATION_CODE : GRANT_EVENT_CODES[type],
        ...base,
        reauthentication_flag: extras.reauthentication ?? false,
        scope: [...grant.scopes],
      };
      break;
    case 'grant.deleted':
      object = { code: GRANT_EVENT_CODES[type], ...base };
      break;
    case 'grant.expired':
      object = {
        code: GRANT_EVENT_CODES[type],
        ...base,
        grant_updated_at: Math.floor((extras.previousUpdatedAt ?? grant.updatedAt) / 1000),
      };
      break;
  }
  return { id: randomUUID(), type, time: Math.floor(nowMs / 1000), applicationId: grant.clientId, object };
}
