import { secretLimited } from '../limited.js';
import type { Route } from '../route.js';
import { accountsDelete } from './delete.js';
import { accountsGet } from './get.js';
import { accountsList } from './list.js';

/** v2 account management under /a/{client_id}/accounts (client secret as Basic `secret:`). */
export const accountRoutes: readonly Route[] = [accountsList, accountsGet, accountsDelete].map(secretLimited);
