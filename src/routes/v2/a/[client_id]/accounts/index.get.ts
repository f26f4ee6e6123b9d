import * as z from 'zod';
import { queryObject } from '../../../../../http/body.js';
import { json } from '../../../../../http/types.js';
import { parseInput } from '../../../../../http/validate.js';
import type { Route } from '../../../../route.js';
import { managementAccount, managementClient } from './management.js';

export const accountsQuery = z.object({
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** GET /a/{client_id}/accounts?offset&limit: a bare array, as v2 answers. */
export const accountsList: Route = {
  method: 'GET',
  path: '/a/:client_id/accounts',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req, params }) {
    const client = managementClient(kit, req, params['client_id']!);
    const { offset, limit } = parseInput(accountsQuery, queryObject(req.query));
    const grants = await kit.store.listGrants({ clientId: client.id, sortBy: 'createdAt', order: 'asc', offset, limit });
    return json(200, grants.map(managementAccount));
  },
};
