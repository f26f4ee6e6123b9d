import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asksForHelp, parse, positiveInt, UsageError } from '../../../src/cli/args.js';

const OPTIONS = {
  client: { type: 'string', value: 'ID', help: 'a client' },
  json: { type: 'boolean', help: 'JSON' },
} as const;

const usage = (message: RegExp) => (e: unknown) => e instanceof UsageError && message.test(e.message);

describe('CLI arguments', () => {
  it('reads declared options in both spellings, flags, and positionals by name', () => {
    const args = parse(['GRANT', '--client', 'a', '--json'], OPTIONS, ['GRANT_ID']);
    assert.equal(args.string('client'), 'a');
    assert.equal(args.flag('json'), true);
    assert.equal(args.arg('GRANT_ID'), 'GRANT');
    const inline = parse(['--client=b', '--', '--json'], OPTIONS, ['VALUE']);
    assert.equal(inline.string('client'), 'b');
    assert.equal(inline.flag('json'), false);
    assert.equal(inline.arg('VALUE'), '--json', 'after --, everything is a positional');
    assert.equal(parse(['--client=-x'], OPTIONS, []).string('client'), '-x', 'a value that starts with a dash, written inline');
  });

  it('refuses what the command does not declare, a missing value, and a value for a flag', () => {
    assert.throws(() => parse(['--nope'], OPTIONS, []), usage(/^unknown option --nope$/));
    assert.throws(() => parse(['--jsno'], OPTIONS, []), usage(/^unknown option --jsno; did you mean --json\?$/));
    assert.throws(() => parse(['-x'], OPTIONS, []), usage(/^unknown option -x$/));
    assert.throws(() => parse(['--client'], OPTIONS, []), usage(/^--client needs a value$/));
    assert.throws(() => parse(['--client='], OPTIONS, []), usage(/^--client needs a value$/));
    assert.throws(() => parse(['--client', '--json'], OPTIONS, []), usage(/^--client needs a value \(for a value that starts with "-", write --client=…\)$/));
    assert.throws(() => parse(['--json=yes'], OPTIONS, []), usage(/^--json takes no value$/));
    assert.throws(() => parse(['extra'], OPTIONS, []), usage(/^this command takes no arguments$/));
    assert.throws(() => parse([], OPTIONS, ['GRANT_ID']), usage(/^expected GRANT_ID$/));
  });

  it('sees --help and -h before --, and only there', () => {
    assert.equal(asksForHelp(['list', '--help']), true);
    assert.equal(asksForHelp(['-h']), true);
    assert.equal(asksForHelp(['--', '--help']), false);
    assert.equal(asksForHelp(['--helpful']), false);
  });

  it('positive whole numbers only', () => {
    assert.equal(positiveInt(undefined, 'limit'), undefined);
    assert.equal(positiveInt('20', 'limit'), 20);
    for (const bad of ['0', '-1', '1.5', 'x', '']) assert.throws(() => positiveInt(bad, 'limit'), usage(/^--limit must be a positive whole number$/), bad);
  });
});
