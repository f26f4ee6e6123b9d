import type { GrantKitMount, GuardedRoute } from '../introspection/guarded-routes.js';
import { routeFamilies, type RouteFamilyName } from '../routes/families.js';
import type { Route } from '../routes/route.js';
import { appOperation } from './app-operations.js';
import { COMPONENTS, ERROR_NAMES, HTML_ERROR } from './components.js';
import { operationSpec, type Caller, type OperationSpec } from './operations.js';
import { bodyContent, openApiPath, pathParameters, queryParameters } from './schemas.js';
import type { OpenApiDocument, Operation, PathItem, Response, ResponseOrRef, SecurityRequirement } from './types.js';

/**
 * The OpenAPI 3.1 document of what one adapter serves: grantkit's routes of the families it
 * mounted, under the paths it mounted them at, and the app's own routes with the scopes their
 * guards require. Built from the route table and the routes' zod schemas, framework-free; the
 * adapter finds the mounts and the app's routes (introspection/guarded-routes.ts).
 */

export interface OpenApiOptions {
  /** The app (or router) to read: its own routes, and where grantkit's are mounted. */
  readonly app?: object;
  /** Where `routes()` is mounted, when no app is given or grantkit's routes are not found in it (default `/`). */
  readonly prefix?: string;
  readonly info?: { readonly title?: string; readonly version?: string; readonly description?: string };
  readonly servers?: OpenApiDocument['servers'];
}

export interface DocumentInput {
  readonly mounts: readonly GrantKitMount[];
  readonly routes: readonly GuardedRoute[];
  readonly options: OpenApiOptions;
}

const TAGS: OpenApiDocument['tags'] = [
  { name: 'native', description: 'Native and custom sign-in, and what a v2 token does for itself.' },
  { name: 'hosted', description: 'Hosted OAuth: authorize, callback, the sign-in forms, token, revoke, token info, introspection and userinfo.' },
  { name: 'admin', description: "The application's administration, with its API key or client secret." },
  { name: 'jwks', description: "The public key that signs hosted sign-in's id_tokens." },
  { name: 'discovery', description: 'The authorization server metadata that OAuth and OpenID clients configure themselves from.' },
  { name: 'app', description: "The app's own routes, with the scopes grantkit's guards require." },
];

const SECURITY: Readonly<Record<Caller, readonly SecurityRequirement[] | undefined>> = {
  anyone: undefined,
  // `{}`: the client may instead send its id and secret in the body, which OpenAPI has no scheme for.
  'client-optional': [{ clientSecretBasic: [] }, {}],
  client: [{ clientSecretBasic: [] }, {}],
  'client-basic': [{ clientSecretBasic: [] }],
  token: [{ bearerToken: [] }],
  'api-key': [{ apiKey: [] }],
  'api-key-or-token': [{ apiKey: [] }, { bearerToken: [] }],
  'client-or-bearer': [{ clientSecretBasic: [] }, { apiKey: [] }, { bearerToken: [] }, {}],
};

const CLIENT_AUTHENTICATION: Readonly<Partial<Record<Caller, readonly string[]>>> = {
  'client-optional': ['client_secret_basic', 'client_secret_post', 'none'],
  client: ['client_secret_basic', 'client_secret_post'],
  'client-or-bearer': ['client_secret_basic', 'client_secret_post', 'none'],
};

function success(spec: OperationSpec): Response {
  switch (spec.answer) {
    case 'json':
      return { description: 'Success.', content: { 'application/json': { schema: {} } } };
    case 'empty':
      return { description: 'Success, with an empty body.' };
    case 'redirect':
      return { description: 'A redirect to the next step.', headers: { location: { description: 'Where to go next.', schema: { type: 'string' } } } };
    case 'preflight':
      return { description: 'CORS headers for the configured origins.' };
  }
}

function grantkitOperation(route: Route, spec: OperationSpec, path: string, family: RouteFamilyName, id: string): Operation {
  const parameters = [...pathParameters(path), ...(spec.query === undefined ? [] : queryParameters(spec.query))];
  const error: ResponseOrRef = { $ref: `#/components/responses/${spec.pages === true ? HTML_ERROR : ERROR_NAMES[route.family]}` };
  const security = SECURITY[spec.caller];
  const clientAuthentication = CLIENT_AUTHENTICATION[spec.caller];
  return {
    operationId: id,
    summary: spec.summary,
    tags: [family],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body === undefined ? {} : { requestBody: { required: spec.bodyOptional !== true, content: bodyContent(spec.body, spec.form === true) } }),
    responses: { [String(spec.status)]: success(spec), '4XX': error, '5XX': error },
    ...(security === undefined ? {} : { security }),
    ...(clientAuthentication === undefined ? {} : { 'x-grantkit-client-authentication': clientAuthentication }),
  };
}

/**
 * Operation ids: the method and the path's words (`postV3ConnectToken`), with a number added in
 * the rare case two paths spell the same words (`/a-b`, `/a_b`), since ids must be unique.
 */
function operationIds(): (method: string, path: string) => string {
  const taken = new Set<string>();
  return (method, path) => {
    const words = path.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
    const base = method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    return id;
  };
}

function joinPath(prefix: string, path: string): string {
  return `${prefix.replace(/\/+$/, '')}${path}`;
}

/** Paths OpenAPI can template: no wildcards, optional parts or patterns, which a path template cannot hold. */
function templatable(path: string): boolean {
  return !/[*?(){}[\]]/.test(path);
}

type Methods = Partial<Record<'get' | 'put' | 'post' | 'delete' | 'options' | 'patch', Operation>>;

function methodKey(method: string): keyof Methods | undefined {
  const m = method.toLowerCase();
  return m === 'get' || m === 'put' || m === 'post' || m === 'delete' || m === 'options' || m === 'patch' ? m : undefined;
}

export function openApiDocument({ mounts, routes, options }: DocumentInput): OpenApiDocument {
  const paths = new Map<string, Methods>();
  const operationId = operationIds();
  const add = (path: string, method: string, build: () => Operation): void => {
    const key = methodKey(method);
    let item = paths.get(path);
    if (item === undefined) paths.set(path, (item = {}));
    // The first to claim a method and path serves it: grantkit's routes run ahead of the app's.
    if (key !== undefined && item[key] === undefined) item[key] = build();
  };
  for (const { prefix, families } of mounts) {
    for (const family of families) {
      for (const route of routeFamilies[family]) {
        const spec = operationSpec(route.method, route.path);
        if (spec === undefined) throw new TypeError(`grantkit: the OpenAPI document describes no route ${route.method} ${route.path}`);
        const path = openApiPath(joinPath(prefix, route.path));
        add(path, route.method, () => grantkitOperation(route, spec, path, family, operationId(route.method, path)));
      }
    }
  }
  for (const route of routes) {
    if (!templatable(route.path)) continue;
    const path = openApiPath(route.path);
    add(path, route.method, () => appOperation(route, operationId(route.method, path)));
  }
  const info = { title: options.info?.title ?? 'grantkit', version: options.info?.version ?? '1.0.0', ...(options.info?.description === undefined ? {} : { description: options.info.description }) };
  return {
    openapi: '3.1.0',
    info,
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    tags: TAGS,
    paths: Object.fromEntries([...paths].filter(([, item]) => Object.keys(item).length > 0)) satisfies Record<string, PathItem>,
    components: COMPONENTS,
  };
}
