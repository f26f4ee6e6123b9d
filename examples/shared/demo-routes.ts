import type { HttpMethod } from '../../src/index.js';

/**
 * The demo routes every example serves, framework-neutral: each answers JSON describing what a
 * real app would do. The endpoint table guards them, so the examples cannot drift apart.
 */
export interface DemoRoute {
  readonly method: HttpMethod;
  readonly path: string;
  /** `:id` in the path, as Express and @koa/router both write it. */
  describe(params: Readonly<Record<string, string>>, grant: { id: string; scopes: readonly string[] } | undefined): Record<string, unknown>;
}

const RESOURCES = ['messages', 'threads', 'files', 'drafts', 'folders', 'labels', 'calendars', 'events', 'contacts', 'resources'];

const VERB: Readonly<Record<HttpMethod, string>> = { GET: 'read', POST: 'create', PUT: 'update', DELETE: 'delete' };

function route(method: HttpMethod, path: string, what: string): DemoRoute {
  return {
    method,
    path,
    describe(params, grant) {
      return {
        would: `${VERB[method]} ${what}${params['id'] ? ` ${params['id']}` : ''}`,
        grant_id: grant?.id ?? null,
        scopes: grant?.scopes ?? [],
      };
    },
  };
}

export const DEMO_ROUTES: readonly DemoRoute[] = [
  ...RESOURCES.flatMap((r) => [
    route('GET', `/${r}`, r),
    route('POST', `/${r}`, r.replace(/s$/, '')),
    route('GET', `/${r}/:id`, r.replace(/s$/, '')),
    route('PUT', `/${r}/:id`, r.replace(/s$/, '')),
    route('DELETE', `/${r}/:id`, r.replace(/s$/, '')),
  ]),
  {
    method: 'POST',
    path: '/send',
    describe: (_p, grant) => ({ would: 'send a message', grant_id: grant?.id ?? null, scopes: grant?.scopes ?? [] }),
  },
];

const V3_RESOURCES = ['messages', 'threads', 'events', 'calendars', 'contacts'];

/**
 * The v3 demo routes: the same resources under `/v3/grants/:grant/...` (Nylas v3: "GET /messages
 * becomes /v3/grants/[grant-id]/messages"), every method. `kit.gate()` strips the grant prefix and
 * guards them with the same table; `:grant` is an id, an email, or `me` with an access token.
 */
export const V3_DEMO_ROUTES: readonly DemoRoute[] = V3_RESOURCES.flatMap((r) => [
  route('GET', `/v3/grants/:grant/${r}`, r),
  route('POST', `/v3/grants/:grant/${r}`, r.replace(/s$/, '')),
  route('GET', `/v3/grants/:grant/${r}/:id`, r.replace(/s$/, '')),
  route('PUT', `/v3/grants/:grant/${r}/:id`, r.replace(/s$/, '')),
  route('DELETE', `/v3/grants/:grant/${r}/:id`, r.replace(/s$/, '')),
]);

/** The title of the examples' OpenAPI document (GET /openapi.json). */
export const OPENAPI_INFO = { title: 'grantkit example', version: '1.0.0' } as const;

/** GET /: what this example is and what to try. */
export function indexPage(clientId: string): Record<string, unknown> {
  return {
    name: 'grantkit example',
    client_id: clientId,
    try: [
      'POST /connect/authorize  {client_id, email_address, provider:"sandbox", settings:{password:"sandbox"}, scopes}',
      'POST /connect/token      {client_id, client_secret, code}',
      'GET  /account            Authorization: Bearer <access_token>',
      'GET  /openapi.json       every route, with the scopes each needs',
    ],
    routes: DEMO_ROUTES.map((r) => `${r.method} ${r.path}`),
  };
}
