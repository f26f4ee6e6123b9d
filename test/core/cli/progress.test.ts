import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progress } from '../../../src/cli/progress.js';

/** A terminal that records what is written to it, and a clock the test moves. */
function fakeTerminal() {
  const written: string[] = [];
  let time = 1_000;
  return { written, terminal: { write: (text: string) => void written.push(text) }, now: () => time, tick: (ms: number) => void (time += ms) };
}

describe('CLI progress', () => {
  it('draws on a terminal, in place, at most ten times a second, and clears its line at the end', () => {
    const t = fakeTerminal();
    const p = progress(t.terminal, t.now);
    p.update('1 checked');
    p.update('2 checked');
    t.tick(99);
    p.update('3 checked');
    t.tick(1);
    p.update('4 checked');
    p.end();
    assert.deepEqual(t.written, ['\r1 checked\x1b[K', '\r4 checked\x1b[K', '\r\x1b[K']);
  });

  it('writes nothing at the end when it never drew', () => {
    const t = fakeTerminal();
    progress(t.terminal, t.now).end();
    assert.deepEqual(t.written, []);
  });
});
