import { secretLimited } from '../limited.js';
import type { Route } from '../route.js';
import { account } from './account.js';
import { connectAuthorize } from './connect-authorize.js';
import { connectToken } from './connect-token.js';
import { oauthRevoke } from './oauth-revoke.js';
import { tokenInfo } from './token-info.js';

/** The v2 family: /connect/*, /oauth/*, /a/*, /account. */
export const v2Routes: readonly Route[] = [secretLimited(connectAuthorize), secretLimited(connectToken), account, oauthRevoke, tokenInfo];
