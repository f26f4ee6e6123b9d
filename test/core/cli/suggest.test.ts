import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, nearest } from '../../../src/cli/suggest.js';

describe('CLI suggestions', () => {
  it('edit distance counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('migrate', 'migrate'), 0);
    assert.equal(editDistance('migrat', 'migrate'), 1);
    assert.equal(editDistance('migrates', 'migrate'), 1);
    assert.equal(editDistance('migrote', 'migrate'), 1);
    assert.equal(editDistance('grnats', 'grants'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('abc', 'cba'), 2);
  });

  it('suggests the nearest command when it is near enough to be a typo, and nothing otherwise', () => {
    const commands = ['migrate', 'api-keys', 'grants', 'connectors', 'rotate-keys', 'help'];
    assert.equal(nearest('migrat', commands), 'migrate');
    assert.equal(nearest('GRANT', commands), 'grants');
    assert.equal(nearest('conectors', commands), 'connectors');
    assert.equal(nearest('hepl', commands), 'help');
    // Too far from every command to be a typo of one.
    assert.equal(nearest('frobnicate', commands), undefined);
    assert.equal(nearest('x', commands), undefined);
    // Far by edits, but the start of exactly one command.
    assert.equal(nearest('rotate', commands), 'rotate-keys');
    assert.equal(nearest('con', ['connectors', 'contract']), undefined, 'the start of two commands is no suggestion');
  });
});
