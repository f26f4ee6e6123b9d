import { optionError } from '../kit/options-schema.js';
import { secretLimited } from './limited.js';
import type { Route } from './route.js';
import { accountsDelete } from './v2/a/[client_id]/accounts/[account_id]/index.delete.js';
import { accountsGet } from './v2/a/[client_id]/accounts/[account_id]/index.get.js';
import { tokenInfo } from './v2/a/[client_id]/accounts/[account_id]/token-info.post.js';
import { accountsList } from './v2/a/[client_id]/accounts/index.get.js';
import { account } from './v2/account.get.js';
import { connectAuthorize } from './v2/connect/authorize.post.js';
import { connectToken as nativeConnectToken } from './v2/connect/token.post.js';
import { oauthAuthorize } from './v2/oauth/authorize.get.js';
import { oauthCallback } from './v2/oauth/callback/[provider].get.js';
import { oauthRevoke } from './v2/oauth/revoke.post.js';
import { signinCredentials } from './v2/oauth/signin/credentials.post.js';
import { signinEmail } from './v2/oauth/signin/email.post.js';
import { oauthTokenGet } from './v2/oauth/token.get.js';
import { oauthTokenPost } from './v2/oauth/token.post.js';
import { connectAuth } from './v3/connect/auth.get.js';
import { connectCustom } from './v3/connect/custom.post.js';
import { connectRevoke } from './v3/connect/revoke.post.js';
import { connectTokenPreflight } from './v3/connect/token.options.js';
import { connectToken } from './v3/connect/token.post.js';
import { connectTokenInfo } from './v3/connect/tokeninfo.get.js';
import { credentialsDelete } from './v3/connectors/[provider]/creds/[id].delete.js';
import { credentialsFind } from './v3/connectors/[provider]/creds/[id].get.js';
import { credentialsUpdate } from './v3/connectors/[provider]/creds/[id].patch.js';
import { credentialsList } from './v3/connectors/[provider]/creds/index.get.js';
import { credentialsCreate } from './v3/connectors/[provider]/creds/index.post.js';
import { connectorsDelete } from './v3/connectors/[provider]/index.delete.js';
import { connectorsFind } from './v3/connectors/[provider]/index.get.js';
import { connectorsPatch } from './v3/connectors/[provider]/index.patch.js';
import { connectorsPut } from './v3/connectors/[provider]/index.put.js';
import { connectorsList } from './v3/connectors/index.get.js';
import { connectorsCreate } from './v3/connectors/index.post.js';
import { grantsDelete } from './v3/grants/[grant_id].delete.js';
import { grantsFind } from './v3/grants/[grant_id].get.js';
import { grantsUpdate } from './v3/grants/[grant_id].patch.js';
import { grantsList } from './v3/grants/index.get.js';
import { providersDetect } from './v3/providers/detect.post.js';
import { jwks } from './well-known/jwks.json.get.js';

/**
 * grantkit's routes in named families: the sets an app mounts or leaves out together, with
 * `routes({ only })`. (A route family is a unit of mounting; `Route.family` is something else, the
 * error format a route answers in.) Every route is in exactly one family, and no path is served by
 * two, so a path whose family is not mounted falls through to the app whatever its method.
 * Within a family, routes on the same path keep their order: it is the order of a 405's `Allow` header.
 * docs/routes.md lists the paths of each family; test/core/route-families.test.ts holds it to this file.
 */
const ROUTE_FAMILY_NAMES = ['native', 'hosted', 'admin', 'jwks'] as const;
export type RouteFamilyName = (typeof ROUTE_FAMILY_NAMES)[number];

/** `/v3/integrations` is the connectors API's former name; it stays an alias. */
function withIntegrationsAlias(route: Route): Route[] {
  return [route, { ...route, path: route.path.replace('/v3/connectors', '/v3/integrations') }];
}

export const routeFamilies: Readonly<Record<RouteFamilyName, readonly Route[]>> = Object.freeze({
  /** Native and custom sign-in (v2 /connect/*, v3 /v3/connect/custom) and what a v2 token does for itself (/account, /oauth/revoke). */
  native: Object.freeze([secretLimited(connectAuthorize), secretLimited(nativeConnectToken), account, oauthRevoke, connectCustom]),
  /** Hosted OAuth: v2 /oauth/{authorize,token,callback}, the sign-in forms' posts (/oauth/signin/*) and v3 /v3/connect/{auth,token,revoke,tokeninfo}. */
  hosted: Object.freeze([
    oauthAuthorize,
    secretLimited(oauthTokenGet),
    secretLimited(oauthTokenPost),
    oauthCallback,
    signinEmail,
    signinCredentials,
    connectAuth,
    connectToken,
    connectTokenPreflight,
    connectRevoke,
    connectTokenInfo,
  ]),
  /**
   * The application's own administration, with its client secret or API key: v3 grants, connectors
   * and credentials, provider detection, and v2 /a/{client_id}/accounts (token-info included).
   */
  admin: Object.freeze([
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
    ...[accountsList, accountsGet, accountsDelete, tokenInfo].map(secretLimited),
  ]),
  /** The public key that signs hosted OAuth's id_tokens. */
  jwks: Object.freeze([jwks]),
});

function isRouteFamilyName(value: unknown): value is RouteFamilyName {
  return ROUTE_FAMILY_NAMES.some((name) => name === value);
}

/** What `routes()` takes. */
export interface RoutesOptions {
  /**
   * The route families to mount; all of them when left out. A request for a path of a family that
   * is not mounted goes on to the app's own middleware. docs/routes.md lists the paths of each.
   */
  readonly only?: readonly RouteFamilyName[];
}

const FAMILY_LIST = `${ROUTE_FAMILY_NAMES.slice(0, -1).join(', ')} and ${ROUTE_FAMILY_NAMES.at(-1)}`;

/**
 * The routes `routes(options)` mounts, or undefined for all of them. Checked once, when the app
 * mounts the middleware: a misspelt family would otherwise leave its routes silently unserved.
 */
export function mountedRoutes(options: RoutesOptions | undefined): ReadonlySet<Route> | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError('routes(options)', 'must be an object, e.g. routes({ only: [\'native\'] })');
  }
  for (const key of Object.keys(options)) {
    if (key !== 'only') throw optionError(key, 'is not an option of routes(); its only option is "only"');
  }
  const only: unknown = options.only;
  if (only === undefined) return undefined;
  if (!Array.isArray(only)) throw optionError('only', `of routes() must be an array of route family names (${FAMILY_LIST})`);
  const routes = new Set<Route>();
  for (const name of only) {
    if (!isRouteFamilyName(name)) {
      const named = typeof name === 'string' ? `"${name}"` : String(name);
      throw optionError('only', `of routes() lists ${named}, which is not a route family; the families are ${FAMILY_LIST}`);
    }
    for (const route of routeFamilies[name]) routes.add(route);
  }
  return routes;
}
