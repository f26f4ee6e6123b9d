import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrantKitError, V2_SCOPES, v2ScopeGraph } from '../../../src/index.js';
import { parseScopes } from '../../../src/scopes/parse.js';

const sat = (granted: string, scope: string): boolean => v2ScopeGraph.satisfies([granted], scope);

describe('scope hierarchy (issue #2 table)', () => {
  const rows: Array<[string, string[]]> = [
    ['email', ['email.modify', 'email.read_only', 'email.send', 'email.folders_and_labels', 'email.metadata', 'email.drafts']],
    ['email.modify', ['email.read_only', 'email.metadata', 'email.folders_and_labels', 'email.drafts']],
    ['email.read_only', ['email.metadata']],
    ['calendar', ['calendar.read_only']],
    ['contacts', ['contacts.read_only']],
  ];
  for (const [scope, below] of rows) {
    it(`${scope} satisfies itself and ${below.join(', ')}`, () => {
      assert.ok(sat(scope, scope));
      for (const b of below) assert.ok(sat(scope, b), `${scope} should satisfy ${b}`);
    });
  }

  it('implies nothing else: every pair outside the table is refused', () => {
    const allowed = new Set<string>();
    for (const s of V2_SCOPES) allowed.add(`${s}>${s}`);
    for (const [scope, below] of rows) for (const b of below) allowed.add(`${scope}>${b}`);
    // Transitive pairs are in the table already (email lists all of email.*).
    let refused = 0;
    for (const a of V2_SCOPES) {
      for (const b of V2_SCOPES) {
        const expected = allowed.has(`${a}>${b}`);
        assert.equal(sat(a, b), expected, `${a} ⇒ ${b} should be ${expected}`);
        if (!expected) refused++;
      }
    }
    assert.equal(refused, 13 * 13 - 13 - 6 - 4 - 1 - 1 - 1);
  });

  it('standalone scopes imply only themselves; no email.* but email implies email.send', () => {
    for (const s of ['email.send', 'email.drafts', 'email.folders_and_labels', 'calendar.free_busy', 'room_resources.read_only']) {
      for (const other of V2_SCOPES) if (other !== s) assert.equal(sat(s, other), false, `${s} must not imply ${other}`);
    }
    for (const s of V2_SCOPES) {
      if (s !== 'email' && s !== 'email.send') assert.equal(sat(s, 'email.send'), false, `${s} must not imply email.send`);
    }
  });

  it('has the 13 scopes of the closed vocabulary', () => {
    assert.equal(V2_SCOPES.length, 13);
  });
});

describe('parseScopes (wire forms)', () => {
  const parse = (v: unknown): string[] => parseScopes(v, v2ScopeGraph, ['email', 'calendar', 'contacts']);
  const rejects = (v: unknown, pattern: RegExp): void => {
    assert.throws(() => parse(v), (e: unknown) => e instanceof GrantKitError && e.status === 400 && pattern.test(e.message));
  };

  it('reads a comma string, an array, and an array of comma strings (seed 001 Ruby)', () => {
    assert.deepEqual(parse('email.read_only,email.send'), ['email.read_only', 'email.send']);
    assert.deepEqual(parse(['email.read_only', 'email.send']), ['email.read_only', 'email.send']);
    assert.deepEqual(parse(['email.read_only,email.send']), ['email.read_only', 'email.send']);
  });
  it('ignores surrounding whitespace and collapses duplicates, keeping first order', () => {
    assert.deepEqual(parse(' calendar , email.send,calendar, email.send '), ['calendar', 'email.send']);
  });
  it('uses the default when missing', () => {
    assert.deepEqual(parse(undefined), ['email', 'calendar', 'contacts']);
    assert.deepEqual(parse(null), ['email', 'calendar', 'contacts']);
  });
  it('refuses present but empty', () => {
    rejects('', /empty/);
    rejects([], /empty/);
    rejects(' , ', /empty/);
  });
  it('names an unknown scope', () => {
    rejects('email.read_only,email.everything', /"email\.everything"/);
  });
  it('refuses other types', () => {
    rejects(42, /comma-separated string or an array/);
    rejects([1, 2], /comma-separated string or an array/);
  });
});
