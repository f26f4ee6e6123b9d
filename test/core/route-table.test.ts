import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GrantKitError } from '../../src/errors/error.js';
import { routeFamilies } from '../../src/routes/families.js';
import type { Route } from '../../src/routes/route.js';
import { buildRouteTable } from '../../src/routes/table.js';

const routesDir = fileURLToPath(new URL('../../src/routes/', import.meta.url));
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The method and path a route file must serve, read from its name (the layout table.ts describes). */
function expectedOf(file: string): { method: string; path: string } | undefined {
  const name = relative(routesDir, file).split('\\').join('/').replace(/\.ts$/, '');
  const dot = name.lastIndexOf('.');
  const method = name.slice(dot + 1);
  if (dot < 0 || !METHODS.includes(method)) return undefined;
  const segments = name
    .slice(0, dot)
    .split('/')
    .filter((s, i, all) => !(s === 'index' && i === all.length - 1))
    .map((s) => (s.startsWith('[') && s.endsWith(']') ? `:${s.slice(1, -1)}` : s));
  if (segments[0] === 'v2') segments.shift();
  else if (segments[0] === 'well-known') segments[0] = '.well-known';
  return { method: method.toUpperCase(), path: `/${segments.join('/')}` };
}

function isRoute(value: unknown): value is Route {
  return typeof value === 'object' && value !== null && 'method' in value && 'path' in value && 'handler' in value;
}

const allRoutes = Object.values(routeFamilies).flat();
const key = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

describe('route files: one route per file, filed by URL', () => {
  const routeFiles = filesUnder(routesDir).filter((f) => expectedOf(f) !== undefined);

  it('finds the route files', () => {
    assert.ok(routeFiles.length >= 30, `only ${routeFiles.length} route files`);
  });

  for (const file of routeFiles) {
    const expected = expectedOf(file)!;
    it(`${relative(routesDir, file)} serves ${key(expected)}, and a family mounts it`, async () => {
      const routes = Object.values(await import(pathToFileURL(file).href)).filter(isRoute);
      assert.equal(routes.length, 1, 'one route per file');
      assert.equal(key(routes[0]!), key(expected));
      assert.ok(allRoutes.some((r) => key(r) === key(expected)), 'no family lists it');
    });
  }

  // The families list every route before its file loads (routes/catalog.ts), so the table's method,
  // path, error format and body flag must be the file's own.
  for (const file of routeFiles) {
    it(`${relative(routesDir, file)}: the route table knows it as its file declares it`, async () => {
      const [route] = Object.values(await import(pathToFileURL(file).href)).filter(isRoute);
      const listed = allRoutes.filter((r) => key(r) === key(route!));
      assert.equal(listed.length, 1, 'listed once');
      const metadata = (r: Route): unknown => ({ method: r.method, path: r.path, family: r.family, readsBody: r.readsBody });
      assert.deepEqual(metadata(listed[0]!), metadata(route!));
    });
  }

  it('every route of a family has its file (the /v3/integrations aliases aside)', () => {
    const filed = new Set(routeFiles.map((f) => key(expectedOf(f)!)));
    const unfiled = allRoutes.filter((r) => !filed.has(key(r)) && !r.path.startsWith('/v3/integrations'));
    assert.deepEqual(unfiled.map(key), []);
  });

  it('no method and path is listed twice', () => {
    const keys = allRoutes.map(key);
    assert.equal(new Set(keys).size, keys.length);
  });
});

describe('route table', () => {
  it('leaves a path that is not grantkit’s to the app', () => {
    const table = buildRouteTable();
    assert.equal(table.match('GET', '/messages'), undefined);
    assert.equal(table.match('GET', '/v3/grants/g1/messages'), undefined);
  });

  it('matches a route and decodes its parameters, tolerating one trailing slash', () => {
    const matched = buildRouteTable().match('GET', '/v3/connectors/google%20x/creds/c1/');
    assert.equal(matched?.route.path, '/v3/connectors/:provider/creds/:id');
    assert.deepEqual(matched?.params, { provider: 'google x', id: 'c1' });
  });

  it('answers another method on its path with 405 and the allowed methods in family order', async () => {
    const matched = buildRouteTable().match('PUT', '/v3/grants/g1');
    assert.ok(matched);
    await assert.rejects(
      matched.route.handler({ kit: undefined as never, req: undefined as never, params: {} }),
      (e: unknown) => e instanceof GrantKitError && e.headers['allow'] === 'GET, PATCH, DELETE' && matched.route.family === 'v3',
    );
  });

  it('is built from the families it is given, and tables do not share routes', () => {
    const jwksOnly = buildRouteTable([routeFamilies.jwks]);
    assert.equal(jwksOnly.match('GET', '/.well-known/jwks.json')?.route.path, '/.well-known/jwks.json');
    assert.equal(jwksOnly.match('POST', '/connect/token'), undefined);
    assert.equal(buildRouteTable().match('POST', '/connect/token')?.route.path, '/connect/token');
  });

  it('keeps the families frozen, so no module can add a route at run time', () => {
    assert.ok(Object.isFrozen(routeFamilies));
    for (const routes of Object.values(routeFamilies)) assert.ok(Object.isFrozen(routes));
  });
});
