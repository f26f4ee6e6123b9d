import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Nylas signs webhooks in, kept so receivers written for Nylas work unchanged. */
export const SIGNATURE_HEADER = 'x-nylas-signature';

/** HMAC-SHA256 of the raw body under the webhook secret, lower-case hex (as Nylas signs). */
export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Checks a webhook's `x-nylas-signature` against the raw body, in constant time. Pass the body
 * exactly as received (a Buffer from `express.raw()`), not a re-serialised JSON object: any
 * difference in whitespace or key order changes the HMAC.
 *
 * @example
 * app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => {
 *   if (!verifyWebhookSignature(req.body, req.get('x-nylas-signature'), process.env.WEBHOOK_SECRET!)) {
 *     return res.status(401).end();
 *   }
 *   const event = JSON.parse(req.body.toString('utf8'));
 *   res.status(200).end();
 * });
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  signature: string | readonly string[] | undefined | null,
  secret: string,
): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, secret), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
