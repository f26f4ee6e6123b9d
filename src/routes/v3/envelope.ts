import { randomUUID } from 'node:crypto';
import type { ResponseDescriptor } from '../../http/types.js';

/**
 * The `{request_id, data}` envelope of the v3 application routes: every 2xx has a JSON body, and
 * the SDK reads `requestId` from the body on success, from `x-request-id` on errors; both are sent.
 */
export function v3Json(status: number, fields: Record<string, unknown>): ResponseDescriptor {
  const requestId = randomUUID();
  return { status, headers: { 'x-request-id': requestId }, body: { request_id: requestId, ...fields } };
}
