import * as z from 'zod';
import { queryObject } from '../../../http/body.js';
import { parseInput } from '../../../http/validate.js';
import type { Route } from '../../route.js';
import { caller } from '../caller.js';
import { v3Json } from '../envelope.js';

export const detectQuery = z.object({
  email: z.string().max(320).regex(/^[^\s@]{1,256}@[^\s@]{1,255}$/, 'must be an email address'),
  // Accepted for the SDK; grantkit's table does not depend on which connectors exist.
  all_provider_types: z.enum(['true', 'false']).optional(),
});

/** POST /v3/providers/detect?email=...: the built-in table, then the optional lookup. */
export const providersDetect: Route = {
  method: 'POST',
  path: '/v3/providers/detect',
  family: 'v3',
  readsBody: false,
  async handler({ kit, req }) {
    const c = await caller(kit, req);
    await kit.limits.detect(c.clientId);
    const { email } = parseInput(detectQuery, queryObject(req.query));
    const found = await kit.detector.detect(email);
    const data: Record<string, unknown> = { email_address: email, detected: found !== undefined };
    if (found) {
      data['provider'] = found.provider;
      if (found.type !== undefined) data['type'] = found.type;
    }
    return v3Json(200, { data });
  },
};
