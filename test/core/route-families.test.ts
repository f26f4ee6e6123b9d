import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mountedRoutes, routeFamilies, type RouteFamilyName, type RoutesOptions } from '../../src/routes/families.js';
import type { Route } from '../../src/routes/route.js';
import { buildRouteTable } from '../../src/routes/table.js';

const FAMILIES = Object.keys(routeFamilies) as RouteFamilyName[];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const key = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;
/** A request path the route serves: each `:param` filled in. */
const concrete = (route: Route): string => route.path.replace(/:[a-z_]+/g, 'p1');

describe('route families', () => {
  it('are native, hosted, admin, jwks and discovery', () => {
    assert.deepEqual(FAMILIES, ['native', 'hosted', 'admin', 'jwks', 'discovery']);
  });

  it('put every route in exactly one family', () => {
    const seen = new Map<string, RouteFamilyName[]>();
    for (const name of FAMILIES) {
      for (const route of routeFamilies[name]) seen.set(key(route), [...(seen.get(key(route)) ?? []), name]);
    }
    const twice = [...seen].filter(([, names]) => names.length > 1);
    assert.deepEqual(twice, []);
  });

  // Stronger than distinct method-and-path pairs: a family's table must not even match the path of
  // another family's route (with any method), or a request for an unmounted family would get
  // grantkit's 405 from the family that shares the path instead of falling through to the app.
  it('never serve one path from two families, whatever the method', () => {
    const tables = new Map(FAMILIES.map((name) => [name, buildRouteTable([routeFamilies[name]])]));
    const shared: string[] = [];
    for (const name of FAMILIES) {
      for (const route of routeFamilies[name]) {
        const path = concrete(route);
        assert.equal(tables.get(name)!.match(route.method, path)?.route, route, `${key(route)} is not matched by its own family`);
        for (const other of FAMILIES.filter((f) => f !== name)) {
          for (const method of METHODS) {
            if (tables.get(other)!.match(method, path) !== undefined) shared.push(`${method} ${path}: ${name} and ${other}`);
          }
        }
      }
    }
    assert.deepEqual(shared, []);
  });
});

describe('docs/routes.md', () => {
  const doc = readFileSync(new URL('../../docs/routes.md', import.meta.url), 'utf8');

  /** The `| METHOD | `path` |` rows under each `## name` heading. */
  function listed(): Map<string, string[]> {
    const sections = new Map<string, string[]>();
    let current: string[] | undefined;
    for (const line of doc.split('\n')) {
      const heading = /^## (\S+)\s*$/.exec(line);
      if (heading) sections.set(heading[1]!, (current = []));
      const row = /^\| ([A-Z]+) \| `([^`]+)` \|$/.exec(line);
      if (row && current) current.push(`${row[1]} ${row[2]}`);
    }
    return sections;
  }

  it('has a section for each family and no other', () => {
    assert.deepEqual([...listed().keys()], FAMILIES);
  });

  for (const name of FAMILIES) {
    it(`lists exactly the routes the ${name} family mounts, in its order`, () => {
      assert.deepEqual(listed().get(name), routeFamilies[name].map(key));
    });
  }
});

describe('routes({ only })', () => {
  const rejects = (options: unknown, ...words: string[]): void => {
    assert.throws(
      () => mountedRoutes(options as RoutesOptions),
      (e: unknown) =>
        e instanceof TypeError &&
        (e as TypeError & { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE' &&
        words.every((w) => e.message.includes(w)),
    );
  };

  it('mounts every route without options, with {} and with only left undefined', () => {
    assert.equal(mountedRoutes(undefined), undefined);
    assert.equal(mountedRoutes({}), undefined);
    assert.equal(mountedRoutes({ only: undefined }), undefined);
  });

  it('mounts the routes of the families named, and nothing else', () => {
    const mounted = mountedRoutes({ only: ['native', 'jwks'] })!;
    assert.deepEqual([...mounted], [...routeFamilies.native, ...routeFamilies.jwks]);
    assert.equal(mountedRoutes({ only: [] })!.size, 0);
  });

  it('refuses a name that is not a family, naming the option and the families', () => {
    rejects({ only: ['native', 'v3-admin'] }, 'option "only"', 'routes()', '"v3-admin"', 'native, hosted, admin, jwks and discovery');
    rejects({ only: ['Native'] }, 'option "only"', '"Native"');
    rejects({ only: [42] }, 'option "only"', '42');
  });

  it('refuses an only that is not an array, and an option it does not know', () => {
    rejects({ only: 'native' }, 'option "only"', 'must be an array');
    rejects({ onyl: ['native'] }, 'option "onyl"', 'not an option of routes()');
    rejects(['native'], 'must be an object');
  });

  it('leaves the paths of other families unmatched, even with a method their routes do not serve', () => {
    const table = buildRouteTable();
    const mounted = mountedRoutes({ only: ['native'] });
    assert.equal(table.match('GET', '/v3/grants', mounted), undefined);
    assert.equal(table.match('PUT', '/v3/grants/g1', mounted), undefined, 'a 405 of an unmounted family');
    assert.equal(table.match('GET', '/.well-known/jwks.json/', mounted), undefined);
    assert.equal(table.match('POST', '/connect/token', mounted)?.route.path, '/connect/token');
    assert.equal(table.match('PUT', '/v3/grants/g1')?.route.path, '', 'the 405 stays when every family is mounted');
  });

  it('still answers 405 on a mounted family’s path, listing only its methods', async () => {
    const matched = buildRouteTable().match('GET', '/connect/token', mountedRoutes({ only: ['native'] }));
    assert.ok(matched);
    await assert.rejects(
      matched.route.handler({ kit: undefined as never, req: undefined as never, params: {} }),
      (e: unknown) => e instanceof Error && 'headers' in e && (e.headers as Record<string, string>)['allow'] === 'POST',
    );
  });
});
