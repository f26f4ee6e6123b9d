import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bodyParser } from '@koa/bodyparser';
import express4 from 'express4';
import express5 from 'express5';
import type { Middleware } from 'koa';
import koaBodyparser from 'koa-bodyparser';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { NO_PARSER, PARSER_CASES, type Answer, type Parser, type ParserCase } from './body-parser-cases.js';
import { sender, type Res, type Send } from './harness.js';
import { expressMount, koaMount, type ExpressFactory, type Mount } from './mounts.js';
import { v3Kit } from './v3-cases.js';

/**
 * grantkit's own routes behind the body parsers apps mount before everything: Express's json,
 * urlencoded (simple and extended), text and raw, koa-bodyparser and @koa/bodyparser (as they
 * come, and with text enabled), on Express 4 and 5 and Koa 2 and 3. Each case names its answer per
 * parser (body-parser-cases.ts, Parser); where the parser keeps the body whole, the answer must
 * also be the one the same framework gives without a parser.
 */
interface ParserMount {
  readonly mount: Mount;
  readonly parser: Parser;
  /** The mount of the same framework version without a parser. */
  readonly bare: string;
}

/** body-parser's default limit ('100kb'), and co-body's for JSON and text ('1mb'). */
const KB100 = 100 * 1024;
const MB1 = 1024 * 1024;

const EXPRESS_PARSERS: ReadonlyArray<readonly [string, Parser, (e: ExpressFactory) => ReturnType<ExpressFactory['json']>]> = [
  ['express.json()', { reading: 'raw', jsonLimit: KB100, textLimit: Infinity }, (e) => e.json()],
  ['express.urlencoded({ extended: false })', { reading: 'flat', jsonLimit: Infinity, textLimit: Infinity }, (e) => e.urlencoded({ extended: false })],
  ['express.urlencoded({ extended: true })', { reading: 'brackets', jsonLimit: Infinity, textLimit: Infinity }, (e) => e.urlencoded({ extended: true })],
  ["express.text({ type: '*/*' })", { reading: 'raw', jsonLimit: KB100, textLimit: KB100 }, (e) => e.text({ type: '*/*' })],
  ["express.raw({ type: '*/*' })", { reading: 'raw', jsonLimit: KB100, textLimit: KB100 }, (e) => e.raw({ type: '*/*' })],
];
const WITH_TEXT = { enableTypes: ['json', 'form', 'text'] as Array<'json' | 'form' | 'text'> };
const KOA_DEFAULT: Parser = { reading: 'raw', jsonLimit: MB1, textLimit: Infinity };
const KOA_WITH_TEXT: Parser = { reading: 'raw', jsonLimit: MB1, textLimit: MB1 };
const KOA_PARSERS: ReadonlyArray<readonly [string, Parser, () => Middleware]> = [
  ['koa-bodyparser()', KOA_DEFAULT, () => koaBodyparser()],
  ["koa-bodyparser({ enableTypes: ['json', 'form', 'text'] })", KOA_WITH_TEXT, () => koaBodyparser(WITH_TEXT)],
  ['@koa/bodyparser()', KOA_DEFAULT, () => bodyParser()],
  ["@koa/bodyparser({ enableTypes: ['json', 'form', 'text'] })", KOA_WITH_TEXT, () => bodyParser(WITH_TEXT)],
];

const MOUNTS: readonly ParserMount[] = [
  ...([['express4', express4], ['express5', express5]] as const).flatMap(([bare, express]): ParserMount[] => [
    { mount: expressMount(bare, express), parser: NO_PARSER, bare },
    ...EXPRESS_PARSERS.map(([name, parser, make]): ParserMount => ({
      mount: expressMount(`${bare} + ${name}`, express, (e) => [make(e)]),
      parser,
      bare,
    })),
  ]),
  ...([['koa2', Koa2], ['koa3', Koa3]] as const).flatMap(([bare, Koa]): ParserMount[] => [
    { mount: koaMount(bare, Koa), parser: NO_PARSER, bare },
    ...KOA_PARSERS.map(([name, parser, make]): ParserMount => ({ mount: koaMount(`${bare} + ${name}`, Koa, () => [make()]), parser, bare })),
  ]),
];

/** The answer with what differs per request (codes, tokens, ids, request ids) masked, to compare mounts. */
function masked(res: Res): string {
  const text = res.text
    .replace(/gk_(code|at|rt)_[A-Za-z0-9_-]+/g, '<$1>')
    .replace(/"(id|request_id|account_id|namespace_id)":"[^"]*"/g, '"$1":"<id>"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  const headers = ['content-type', 'cache-control', 'www-authenticate'].map((h) => `${h}: ${res.headers[h] ?? '-'}`).join('\n');
  return `${res.status}\n${headers}\n${text}`;
}

function assertAnswer(expected: Answer, res: Res): void {
  assert.equal(res.status, expected.status, `status; body: ${res.text}`);
  if (expected.byParser) return;
  assert.match(String(res.headers['content-type']), /^application\/json/, `not grantkit's JSON: ${res.text}`);
  const { request_id: _id, ...body } = JSON.parse(res.text) as Record<string, unknown>;
  if (expected.body !== undefined) assert.deepEqual(body, expected.body);
  if (expected.check) expected.check(body);
  if (expected.body === undefined && !expected.check) assert.fail('the case checks no body');
}

/** Answers by case name, then by mount name. */
const seen = new Map<string, Map<string, string>>();

for (const { mount, parser } of MOUNTS) {
  describe(`grantkit's routes on ${mount.name}`, () => {
    let send: Send;
    before(async () => {
      send = sender(mount.build(await v3Kit()));
    });
    for (const c of PARSER_CASES) {
      it(c.name, async () => {
        const res = await send(await c.request(send));
        if (!seen.has(c.name)) seen.set(c.name, new Map());
        seen.get(c.name)!.set(mount.name, masked(res));
        assertAnswer(c.answer(parser), res);
      });
    }
  });
}

describe('a body the parser kept whole is answered as without a parser', () => {
  after(() => seen.clear());
  it('the masked answers equal those of the bare framework', () => {
    let compared = 0;
    for (const c of PARSER_CASES) {
      const byMount = seen.get(c.name);
      assert.ok(byMount, `"${c.name}" did not run`);
      for (const { mount, parser, bare } of MOUNTS) {
        if (mount.name === bare || !keptWhole(c, parser)) continue;
        assert.equal(byMount.get(mount.name), byMount.get(bare), `"${c.name}": ${mount.name} differs from ${bare}`);
        compared++;
      }
    }
    assert.ok(compared > 0);
  });
});

function keptWhole(c: ParserCase, parser: Parser): boolean {
  return c.answer(parser) === c.answer(NO_PARSER);
}
