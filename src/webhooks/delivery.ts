import type { GrantEvent } from '../events/events.js';
import { SIGNATURE_HEADER, signWebhookBody } from './signature.js';

/** Delays before each retry: 1 s, 5 s, 30 s, 2 min, 10 min. Six attempts in all. */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = Object.freeze([1_000, 5_000, 30_000, 120_000, 600_000]);

export interface WebhookEndpoint {
  /**
   * Where to POST. Use https in production: the body names users' email addresses. The URL is
   * what identifies the endpoint in the store's delivery queue (as a digest, never in clear).
   */
  readonly url: string;
  /** The signing secret; the receiver checks `x-nylas-signature` with `verifyWebhookSignature`. */
  readonly secret: string;
  /** Only these event types; default all grant events. */
  readonly types?: readonly GrantEvent['type'][];
  /** Per-attempt timeout, default 10 000 ms. */
  readonly timeoutMs?: number;
  /**
   * The waits before each retry, in milliseconds; one attempt more than there are waits. Default
   * WEBHOOK_RETRY_DELAYS_MS. Shorter waits let tests run a whole schedule in moments.
   */
  readonly retryDelaysMs?: readonly number[];
  /** Told about every attempt this instance makes; for logs and tests. */
  readonly onAttempt?: (report: WebhookAttempt) => void;
}

/** An endpoint after resolution (kit/options.ts): the event types, timeout and retry delays filled in. */
export interface ResolvedWebhook {
  readonly url: string;
  readonly secret: string;
  readonly types: readonly GrantEvent['type'][];
  readonly timeoutMs: number;
  readonly retryDelaysMs: readonly number[];
  readonly onAttempt: ((report: WebhookAttempt) => void) | undefined;
}

export interface WebhookAttempt {
  readonly eventId: string;
  readonly url: string;
  /** 1-based, counted across every instance and restart: the envelope's `webhook_delivery_attempt`. */
  readonly attempt: number;
  /** The HTTP status, or null when the request failed (network, timeout). */
  readonly status: number | null;
  readonly delivered: boolean;
  /** Milliseconds until the next attempt, or null when this was the last one. */
  readonly nextRetryInMs: number | null;
}

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
 * One attempt: the envelope POSTed, signed, within the endpoint's timeout (or sooner, when
 * `signal` aborts). Answers the HTTP status, or null when no answer came; any 2xx is a delivery.
 */
export async function postWebhook(endpoint: ResolvedWebhook, event: GrantEvent, attempt: number, signal: AbortSignal): Promise<number | null> {
  const body = JSON.stringify(webhookEnvelope(event, attempt));
  try {
    const res = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhookBody(body, endpoint.secret),
        'user-agent': 'grantkit-webhooks',
      },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]),
      redirect: 'manual', // a redirect is not a delivery, and must not carry the signed body elsewhere
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return null;
  }
}

/** Whether an answer counts as delivered. */
export function isDelivered(status: number | null): boolean {
  return status !== null && status >= 200 && status < 300;
}
