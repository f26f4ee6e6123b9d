import type { GrantEvent } from '../events/events.js';
import { SIGNATURE_HEADER, signWebhookBody } from './signature.js';

/** Delays before each retry: 1 s, 5 s, 30 s, 2 min, 10 min. Six attempts in all. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([1_000, 5_000, 30_000, 120_000, 600_000]);

/** Runs `task` after `delayMs`. The default is an unref'd setTimeout; tests inject their own. */
export type WebhookScheduler = (task: () => void, delayMs: number) => void;

export interface WebhookEndpoint {
  /** Where to POST. Use https in production: the body names users' email addresses. */
  readonly url: string;
  /** The signing secret; the receiver checks `x-nylas-signature` with `verifyWebhookSignature`. */
  readonly secret: string;
  /** Only these event types; default all grant events. */
  readonly types?: readonly GrantEvent['type'][];
  /** Per-attempt timeout, default 10 000 ms. */
  readonly timeoutMs?: number;
  readonly scheduler?: WebhookScheduler;
  /** Told about every attempt; for logs and tests. */
  readonly onAttempt?: (report: WebhookAttempt) => void;
}

/** An endpoint after resolution (kit/options.ts): the event types, timeout and scheduler filled in. */
export interface ResolvedWebhook {
  readonly url: string;
  readonly secret: string;
  readonly types: readonly GrantEvent['type'][];
  readonly timeoutMs: number;
  readonly scheduler: WebhookScheduler;
  readonly onAttempt: ((report: WebhookAttempt) => void) | undefined;
}

export interface WebhookAttempt {
  readonly eventId: string;
  readonly url: string;
  /** 1-based. */
  readonly attempt: number;
  /** The HTTP status, or null when the request failed (network, timeout). */
  readonly status: number | null;
  readonly delivered: boolean;
  /** Milliseconds until the next attempt, or null when this was the last one. */
  readonly nextRetryInMs: number | null;
}

/** The scheduler of an endpoint that brings none. */
export const defaultWebhookScheduler: WebhookScheduler = (task, delayMs) => {
  // unref: pending retries must not keep a process alive that is otherwise shutting down.
  setTimeout(task, delayMs).unref();
};

/** The CloudEvents envelope Nylas sends for grant webhooks, for one attempt. The attempt number is inside, so each attempt is re-signed. */
export function webhookEnvelope(event: GrantEvent, attempt: number): Record<string, unknown> {
  return {
    specversion: '1.0',
    type: event.type,
    source: '/nylas/system',
    id: event.id,
    time: event.time,
    webhook_delivery_attempt: attempt,
    data: { application_id: event.applicationId, object: event.object },
  };
}

/**
 * Delivers grant events to one endpoint, signed, with retries. Delivery never blocks a request:
 * the first attempt starts on the scheduler, and any 2xx counts as delivered.
 */
export class WebhookDelivery {
  readonly #endpoint: ResolvedWebhook;
  readonly #schedule: WebhookScheduler;
  readonly #onError: (e: unknown) => void;

  constructor(endpoint: ResolvedWebhook, onError: (e: unknown) => void) {
    this.#endpoint = endpoint;
    this.#schedule = endpoint.scheduler;
    this.#onError = onError;
  }

  /** Subscriber for `kit.events.on('*', ...)`. */
  readonly handle = (event: GrantEvent): void => {
    if (!this.#endpoint.types.includes(event.type)) return;
    this.#schedule(() => void this.#attempt(event, 1), 0);
  };

  async #attempt(event: GrantEvent, attempt: number): Promise<void> {
    const body = JSON.stringify(webhookEnvelope(event, attempt));
    let status: number | null = null;
    try {
      const res = await fetch(this.#endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhookBody(body, this.#endpoint.secret),
          'user-agent': 'grantkit-webhooks',
        },
        body,
        signal: AbortSignal.timeout(this.#endpoint.timeoutMs),
        redirect: 'manual', // a redirect is not a delivery, and must not carry the signed body elsewhere
      });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = null;
    }
    const delivered = status !== null && status >= 200 && status < 300;
    const delay = delivered ? undefined : WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
    try {
      this.#endpoint.onAttempt?.({
        eventId: event.id,
        url: this.#endpoint.url,
        attempt,
        status,
        delivered,
        nextRetryInMs: delay ?? null,
      });
    } catch (e) {
      this.#onError(e);
    }
    if (delay !== undefined) this.#schedule(() => void this.#attempt(event, attempt + 1), delay);
    else if (!delivered) this.#onError(new Error(`grantkit: webhook ${event.id} to ${this.#endpoint.url} failed after ${attempt} attempts`));
  }
}
