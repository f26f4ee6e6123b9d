import { optionError } from '../kit/options-schema.js';
import {
  account,
  accountsDelete,
  accountsGet,
  accountsList,
  connectAuth,
  connectAuthorize,
  connectCustom,
  connectIntrospect,
  connectRevoke,
  connectToken,
  connectTokenInfo,
  connectTokenPreflight,
  connectUserInfoGet,
  connectUserInfoPost,
  connectorsCreate,
  connectorsDelete,
  connectorsFind,
  connectorsList,
  connectorsPatch,
  connectorsPut,
  credentialsCreate,
  credentialsDelete,
  credentialsFind,
  credentialsList,
  credentialsUpdate,
  grantsDelete,
  grantsFind,
  grantsList,
  grantsUpdate,
  jwks,
  nativeConnectToken,
  oauthAuthorizationServer,
  oauthAuthorize,
  oauthCallback,
  oauthRevoke,
  oauthTokenGet,
  oauthTokenPost,
  openidConfiguration,
  providersDetect,
  signinConsent,
  signinCredentials,
  signinEmail,
  tokenInfo,
} from './catalog.js';
import { secretLimited } from './limited.js';
import type { Route } from './route.js';

/**
 * grantkit's routes in named families: the sets an app mounts or leaves out together, with
 * `routes({ only })`. (A route family is a unit of mounting; `Route.family` is something else, the
 * error format a route answers in.) Every route is in exactly one family, and no path is served by
 * two, so a path whose family is not mounted falls through to the app whatever its method.
 * Within a family, routes on the same path keep their order: it is the order of a 405's `Allow` header.
 * docs/routes.md lists the paths of each family; test/core/route-families.test.ts holds it to this file.
 */
const ROUTE_FAMILY_NAMES = ['native', 'hosted', 'admin', 'jwks', 'discovery'] as const;
export type RouteFamilyName = (typeof ROUTE_FAMILY_NAMES)[number];

/** `/v3/integrations` is the connectors API's former name; it stays an alias. */
function withIntegrationsAlias(route: Route): Route[] {
  return [route, { ...route, path: route.path.replace('/v3/connectors', '/v3/integrations') }];
}

export const routeFamilies: Readonly<Record<RouteFamilyName, readonly Route[]>> = Object.freeze({
  /** Native and custom sign-in (v2 /connect/*, v3 /v3/connect/custom) and what a v2 token does for itself (/account, /oauth/revoke). */
  native: Object.freeze([secretLimited(connectAuthorize), secretLimited(nativeConnectToken), account, oauthRevoke, connectCustom]),
  /**
   * Hosted OAuth: v2 /oauth/{authorize,token,callback}, the sign-in forms' posts (/oauth/signin/*)
   * and v3 /v3/connect/{auth,token,revoke,tokeninfo,introspect,userinfo}.
   */
  hosted: Object.freeze([
    oauthAuthorize,
    secretLimited(oauthTokenGet),
    secretLimited(oauthTokenPost),
    oauthCallback,
    signinEmail,
    signinCredentials,
    signinConsent,
    connectAuth,
    connectToken,
    connectTokenPreflight,
    connectRevoke,
    connectTokenInfo,
    connectIntrospect,
    connectUserInfoGet,
    connectUserInfoPost,
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
  /**
   * The authorization server's metadata (OpenID Connect Discovery, RFC 8414), from which general
   * OAuth and OpenID clients configure themselves. It lists the endpoints of the families mounted with it.
   */
  discovery: Object.freeze([openidConfiguration, oauthAuthorizationServer]),
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

/** The names of the families `routes(options)` mounts (all of them when `only` is left out), once mountedRoutes() has checked the options. */
export function mountedFamilies(options: RoutesOptions | undefined): readonly RouteFamilyName[] {
  const only: unknown = options?.only;
  return Array.isArray(only) ? ROUTE_FAMILY_NAMES.filter((name) => only.includes(name)) : ROUTE_FAMILY_NAMES;
}
