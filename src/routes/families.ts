import { accountsDelete } from './accounts/delete.js';
import { accountsGet } from './accounts/get.js';
import { accountsList } from './accounts/list.js';
import { secretLimited } from './limited.js';
import { connectAuth, connectToken, connectTokenPreflight, jwks, oauthAuthorize, oauthCallback, oauthTokenGet, oauthTokenPost } from './oauth/index.js';
import type { Route } from './route.js';
import { account } from './v2/account.js';
import { connectAuthorize } from './v2/connect-authorize.js';
import { connectToken as nativeConnectToken } from './v2/connect-token.js';
import { oauthRevoke } from './v2/oauth-revoke.js';
import { tokenInfo } from './v2/token-info.js';
import { connectCustom } from './v3/connect-custom.js';
import { connectRevoke } from './v3/connect-revoke.js';
import { connectTokenInfo } from './v3/connect-tokeninfo.js';
import { connectorsCreate } from './v3/connectors-create.js';
import { connectorsDelete } from './v3/connectors-delete.js';
import { connectorsFind } from './v3/connectors-find.js';
import { connectorsList } from './v3/connectors-list.js';
import { connectorsPatch, connectorsPut } from './v3/connectors-update.js';
import { credentialsCreate } from './v3/credentials-create.js';
import { credentialsDelete } from './v3/credentials-delete.js';
import { credentialsFind } from './v3/credentials-find.js';
import { credentialsList } from './v3/credentials-list.js';
import { credentialsUpdate } from './v3/credentials-update.js';
import { grantsDelete } from './v3/grants-delete.js';
import { grantsFind } from './v3/grants-find.js';
import { grantsList } from './v3/grants-list.js';
import { grantsUpdate } from './v3/grants-update.js';
import { providersDetect } from './v3/providers-detect.js';

/**
 * grantkit's routes in named families: the sets an app could mount or leave out together. (A route
 * family is a unit of mounting; `Route.family` is something else, the error format a route answers in.)
 * Within a family, routes on the same path keep their order: it is the order of a 405's `Allow` header.
 */
export type RouteFamilyName = 'native' | 'hosted' | 'v3-admin' | 'jwks';

/** `/v3/integrations` is the connectors API's former name; it stays an alias. */
function withIntegrationsAlias(route: Route): Route[] {
  return [route, { ...route, path: route.path.replace('/v3/connectors', '/v3/integrations') }];
}

export const routeFamilies: Readonly<Record<RouteFamilyName, readonly Route[]>> = Object.freeze({
  /** Native and custom authentication (v2 /connect/*, v3 /v3/connect/custom) and what a v2 token does for itself. */
  native: Object.freeze([
    secretLimited(connectAuthorize),
    secretLimited(nativeConnectToken),
    account,
    oauthRevoke,
    tokenInfo,
    connectCustom,
  ]),
  /** Hosted OAuth: v2 /oauth/* and v3 /v3/connect/{auth,token,revoke,tokeninfo}. */
  hosted: Object.freeze([
    oauthAuthorize,
    secretLimited(oauthTokenGet),
    secretLimited(oauthTokenPost),
    oauthCallback,
    connectAuth,
    connectToken,
    connectTokenPreflight,
    connectRevoke,
    connectTokenInfo,
  ]),
  /** The application's own administration: v3 grants, connectors and credentials, provider detection, v2 /a/{client_id}/accounts. */
  'v3-admin': Object.freeze([
    grantsList,
    grantsFind,
    grantsUpdate,
    grantsDelete,
    providersDetect,
    ...[
      connectorsCreate,
      connectorsList,
      connectorsFind,
      connectorsPatch,
      connectorsPut,
      connectorsDelete,
      credentialsCreate,
      credentialsList,
      credentialsFind,
      credentialsUpdate,
      credentialsDelete,
    ].flatMap(withIntegrationsAlias),
    ...[accountsList, accountsGet, accountsDelete].map(secretLimited),
  ]),
  /** The public key that signs hosted OAuth's id_tokens. */
  jwks: Object.freeze([jwks]),
});
