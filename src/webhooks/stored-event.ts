import * as z from 'zod';
import type { GrantEvent } from '../events/events.js';
import { jsonText, parseStored } from '../store/stored.js';

/**
 * A grant event as the delivery queue keeps it: JSON text, written field by field and checked when
 * read back, like every record a store returns. The id travels with it, so every attempt, from any
 * instance and after any restart, carries the id the event was first given.
 */

// The object's fields in the order grantEvent() writes them, so the envelope reads as it would have.
const eventObject = z.object({
  code: z.number().int(),
  grant_id: z.string(),
  integration_id: z.string().nullable(),
  provider: z.string(),
  email: z.string(),
  name: z.string().optional(),
  reauthentication_flag: z.boolean().optional(),
  scope: z.array(z.string()).optional(),
  grant_updated_at: z.number().optional(),
});

const storedEvent = jsonText(
  z.object({
    id: z.string().min(1),
    type: z.enum(['grant.created', 'grant.updated', 'grant.deleted', 'grant.expired']),
    time: z.number(),
    applicationId: z.string(),
    object: eventObject,
  }),
);

export function eventPayload(event: GrantEvent): string {
  const { id, type, time, applicationId, object } = event;
  return JSON.stringify({ id, type, time, applicationId, object });
}

/** The event a queued delivery carries; throws when it does not parse (a store error). */
export function readEventPayload(payload: string): GrantEvent {
  return parseStored(storedEvent, payload, 'webhook event');
}
