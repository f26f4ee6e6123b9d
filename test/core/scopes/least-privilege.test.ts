import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { V2_SCOPES, v2ScopeGraph } from '../../../src/index.js';
import { ScopeSolver, type RouteNeed, type ScopeCheck } from '../../../src/scopes/least-privilege.js';
import { PROVIDER_CANDIDATES } from '../../../src/scopes/provider-candidates.js';
import { GOOGLE_PREFIX } from '../../../src/scopes/provider-google.js';

const nylas = new ScopeSolver(v2ScopeGraph);
const any = (...scopes: string[]): ScopeCheck => ({ mode: 'any', scopes });
const all = (...scopes: string[]): ScopeCheck => ({ mode: 'all', scopes });
const g = (s: string): string => GOOGLE_PREFIX + s;

describe('ScopeSolver.leastPrivilege: the set with the fewest implied scopes', () => {
  const rows: Array<[string, RouteNeed[], string[]]> = [
    ['read and send: the pair, not email', [[any('email.read_only')], [any('email.send')]], ['email.read_only', 'email.send']],
    ['one guard needing both (all)', [[all('email.read_only', 'email.send')]], ['email.read_only', 'email.send']],
    ['headers only: metadata, the narrowest', [[any('email.metadata', 'email.read_only', 'email.modify', 'email')]], ['email.metadata']],
    ['metadata and bodies: read_only covers both', [[any('email.metadata')], [any('email.read_only')]], ['email.read_only']],
    ['a write: modify (5 implied) over email (7)', [[any('email.modify', 'email')], [any('email.send', 'email')]], ['email.modify', 'email.send']],
    ['drafts: email.drafts alone', [[any('email.drafts', 'email')]], ['email.drafts']],
    ['drafts and modify: modify implies drafts', [[any('email.drafts')], [any('email.modify')]], ['email.modify']],
    ['calendar read and write', [[any('calendar.read_only', 'calendar')], [any('calendar')]], ['calendar']],
    // Equal cost: the catalogue's order decides.
    ['free/busy: read_only or free_busy tie, catalogue order', [[any('calendar.read_only', 'calendar', 'calendar.free_busy')]], ['calendar.read_only']],
    ['two resources at once', [[all('email.read_only', 'contacts.read_only')]], ['email.read_only', 'contacts.read_only']],
    ['a token-only route needs nothing', [[]], []],
    ['no needs at all', [], []],
    ['a row no scope admits is left out', [[any()], [any('contacts.read_only')]], ['contacts.read_only']],
    ['a provider-scope guard is left out', [[any(g('gmail.readonly'))], [any('email.send')]], ['email.send']],
    ['a gate and a route guard on one route', [[any('email.metadata', 'email.read_only'), all('email.send')]], ['email.send', 'email.metadata']],
  ];
  for (const [name, needs, expected] of rows) {
    it(name, () => {
      assert.deepEqual(nylas.leastPrivilege(needs).scopes, expected);
    });
  }

  it('reports what the set implies, itself included, in the catalogue order', () => {
    assert.deepEqual(nylas.leastPrivilege([[any('email.read_only')], [any('email.send')]]).implies, ['email.read_only', 'email.send', 'email.metadata']);
  });

  it('is the optimum: no subset of the vocabulary that meets every need implies fewer scopes', () => {
    const scope = fc.constantFrom(...V2_SCOPES);
    const requirement = fc.record({ mode: fc.constantFrom('any' as const, 'all' as const), scopes: fc.uniqueArray(scope, { minLength: 1, maxLength: 3 }) });
    const needs = fc.array(fc.array(requirement, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 });
    // Every subset of the vocabulary with the number of scopes it implies, worked out once.
    const subsets = Array.from({ length: 1 << V2_SCOPES.length }, (_, set) => {
      const scopes = V2_SCOPES.filter((_, i) => (set & (1 << i)) !== 0);
      return { scopes, implied: nylas.implied(scopes).length };
    });
    fc.assert(
      fc.property(needs, (ns) => {
        const best = nylas.leastPrivilege(ns);
        // Checked through the graph directly, not through the solver's masks.
        for (const n of ns) assert.ok(nylas.satisfies(best.scopes, n), `${best.scopes.join(',')} misses ${JSON.stringify(n)}`);
        for (const { scopes, implied } of subsets) {
          if (implied >= best.implies.length || !ns.every((n) => nylas.satisfies(scopes, n))) continue;
          assert.fail(`${scopes.join(',')} implies fewer than ${best.scopes.join(',')}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('ScopeSolver.alternatives: every smallest set that satisfies a route', () => {
  const rows: Array<[string, RouteNeed, string[][]]> = [
    ['any of four, narrowest first', [any('email.metadata', 'email.read_only', 'email.modify', 'email')], [['email.metadata'], ['email.read_only'], ['email.modify'], ['email']]],
    ['the hierarchy adds the wider scopes a guard does not name', [any('email.send')], [['email.send'], ['email']]],
    ['all of two: pairs, and the one scope that implies both', [all('email.read_only', 'email.send')], [['email.read_only', 'email.send'], ['email.modify', 'email.send'], ['email']]],
    ['all across resources', [all('email.send', 'calendar')], [['email.send', 'calendar'], ['email', 'calendar']]],
    ['token only', [], [[]]],
    ['no scope admits it', [any()], []],
    ['a provider scope: no Nylas scope implies it', [any(g('gmail.readonly'))], []],
  ];
  for (const [name, need, expected] of rows) {
    it(name, () => {
      assert.deepEqual(nylas.alternatives(need), expected);
    });
  }

  it('leaves out a set that holds a smaller satisfying one', () => {
    for (const set of nylas.alternatives([all('email.read_only', 'email.send')])) {
      for (const drop of set) assert.equal(nylas.satisfies(set.filter((s) => s !== drop), [all('email.read_only', 'email.send')]), false);
    }
  });
});

describe('ScopeSolver over provider scopes', () => {
  const google = new ScopeSolver(v2ScopeGraph, PROVIDER_CANDIDATES.google);
  const microsoft = new ScopeSolver(v2ScopeGraph, PROVIDER_CANDIDATES.microsoft);
  const rows: Array<[string, ScopeSolver, RouteNeed[], string[]]> = [
    ['Google read and send', google, [[any('email.read_only')], [any('email.send')]], [g('gmail.readonly'), g('gmail.send')]],
    ['Google full mailbox: gmail.modify also sends (via compose)', google, [[any('email.modify')], [any('email.send')]], [g('gmail.modify')]],
    ['Google headers only', google, [[any('email.metadata')]], [g('gmail.metadata')]],
    ['Microsoft read and send', microsoft, [[any('email.read_only')], [any('email.send')]], ['Mail.Read', 'Mail.Send']],
    ['Microsoft headers only: Mail.ReadBasic, not Mail.Read', microsoft, [[any('email.metadata')]], ['Mail.ReadBasic']],
    ['Microsoft modify and send: two scopes', microsoft, [[any('email.modify')], [any('email.send')]], ['Mail.ReadWrite', 'Mail.Send']],
    ['Microsoft rooms', microsoft, [[any('room_resources.read_only')]], ['Place.Read.All']],
  ];
  for (const [name, solver, needs, expected] of rows) {
    it(name, () => {
      assert.deepEqual(solver.leastPrivilege(needs).scopes, expected);
    });
  }

  it('reads a v3 list in its vocabulary: `email` there is the identity scope and implies nothing', () => {
    assert.deepEqual(nylas.implied(['email'], 'v3'), []);
    assert.equal(nylas.implied(['email'], 'v2').length, 7);
    assert.equal(nylas.implied(['https://mail.google.com/'], 'v3').length, 7);
  });

  it('refuses a candidate list too long to search exhaustively', () => {
    assert.throws(() => new ScopeSolver(v2ScopeGraph, [...V2_SCOPES, ...PROVIDER_CANDIDATES.google]), /at most 20/);
  });
});
