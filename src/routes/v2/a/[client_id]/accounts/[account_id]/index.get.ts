import { json } from '../../../../../../http/types.js';
import type { Route } from '../../../../../route.js';
import { clientAccount, managementAccount, managementClient } from '../management.js';

/** GET /a/{client_id}/accounts/{id}: one account of the client, as the v2 management API shows it. */
export const accountsGet: Route = {
  method: 'GET',
  path: '/a/:client_id/accounts/:account_id',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req, params }) {
    const client = managementClient(kit, req, params['client_id']!);
    return json(200, managementAccount(await clientAccount(kit, client, params['account_id']!)));
  },
};
