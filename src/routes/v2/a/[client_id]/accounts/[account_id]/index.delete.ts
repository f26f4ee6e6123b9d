import { deleteGrant } from '../../../../../../grants/lifecycle.js';
import { json } from '../../../../../../http/types.js';
import type { Route } from '../../../../../route.js';
import { clientAccount, managementClient } from '../management.js';

/**
 * DELETE /a/{client_id}/accounts/{id}: the same grant the v3 API deletes, tokens and all;
 * `grant.deleted` fires. Answers `{"success": true}` (the v2 response is undocumented; JSON keeps every SDK happy).
 */
export const accountsDelete: Route = {
  method: 'DELETE',
  path: '/a/:client_id/accounts/:account_id',
  family: 'v2',
  readsBody: false,
  async handler({ kit, req, params }) {
    const client = managementClient(kit, req, params['client_id']!);
    await deleteGrant(kit, await clientAccount(kit, client, params['account_id']!));
    return json(200, { success: true });
  },
};
