import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imapIdentity, oauthIdentity, unprovenIdentity } from '../../../src/grants/identity.js';
import { decideReauthentication, reauthRefusal, type ReauthDecision } from '../../../src/grants/reauthentication.js';
import { familyKey, providerFamily, sameProvider } from '../../../src/providers/families.js';
import type { GrantIdentity } from '../../../src/store/records.js';

const v = (subject: string): GrantIdentity => ({ subject, strength: 'verified', method: 'oauth' });
const u = (subject: string): GrantIdentity => ({ subject, strength: 'unverified', method: 'imap' });

describe('who may re-authenticate a grant: one rule, one table', () => {
  const table: readonly [string, GrantIdentity | undefined, GrantIdentity, ReauthDecision][] = [
    ['no grant yet: created', undefined, u('imap:h|a'), 'create'],
    ['same unverified identity: re-authenticates as today', u('imap:h|a'), u('imap:h|a'), 'same'],
    ['same verified identity: re-authenticates as today', v('google|sub:1'), v('google|sub:1'), 'same'],
    ['same identity, now proven: still the same identity (tokens kept)', u('google|sub:1'), v('google|sub:1'), 'same'],
    ['verified over a different unverified: replaces (IMAP to Google)', u('imap:h|a'), v('google|sub:1'), 'replace'],
    ['unverified over verified: refused', v('google|sub:1'), u('sandbox|email:a@x'), 'refuse'],
    ['unverified over a different unverified: refused', u('imap:h|a'), u('imap:h|b'), 'refuse'],
    ['verified over a different verified: refused', v('google|sub:1'), v('microsoft|t|o'), 'refuse'],
  ];
  for (const [name, current, proof, expected] of table) {
    it(name, () => assert.equal(decideReauthentication(current, proof), expected));
  }

  it('refusals speak each route family: v2 403 api_error, v3 400 grant.reauth_email_invalid, hosted access_denied', () => {
    assert.equal(reauthRefusal('v2').status, 403);
    assert.equal(reauthRefusal('v3').status, 400);
    assert.equal(reauthRefusal('v3').v3Type, 'grant.reauth_email_invalid');
    assert.equal(reauthRefusal('hosted').code, 'provider_auth_failed');
    for (const api of ['v2', 'v3', 'hosted'] as const) assert.match(reauthRefusal(api).message, /already connected through another sign-in/);
  });
});

describe('provider families: one table', () => {
  const same: readonly [string, string, string?, string?][] = [
    ['gmail', 'google'],
    ['office365', 'microsoft'],
    ['exchange', 'ews'],
    ['yahoo', 'imap', undefined, 'imap.mail.yahoo.com'],
    ['aol', 'imap', undefined, 'IMAP.AOL.COM.'],
    ['icloud', 'imap', undefined, 'imap.mail.me.com'],
    ['hotmail', 'outlook'],
    ['hotmail', 'imap', undefined, 'outlook.office365.com'],
  ];
  for (const [a, b, hostA, hostB] of same) {
    it(`${a} counts as ${b}${hostB ? ` on ${hostB}` : ''}`, () => {
      assert.ok(sameProvider({ provider: a, ...(hostA ? { imapHost: hostA } : {}) }, { provider: b, ...(hostB ? { imapHost: hostB } : {}) }));
    });
  }
  const different: readonly [string, string, string?, string?][] = [
    ['gmail', 'microsoft'],
    ['yahoo', 'imap', undefined, 'imap.example.net'],
    ['sandbox', 'google'],
    ['imap', 'imap', 'a.example', 'b.example'],
  ];
  for (const [a, b, hostA, hostB] of different) {
    it(`${a}${hostA ? ` on ${hostA}` : ''} is not ${b}${hostB ? ` on ${hostB}` : ''}`, () => {
      assert.ok(!sameProvider({ provider: a, ...(hostA ? { imapHost: hostA } : {}) }, { provider: b, ...(hostB ? { imapHost: hostB } : {}) }));
    });
  }
  it('families by name', () => {
    assert.deepEqual(['gmail', 'Google', 'office365', 'ews', 'outlook', 'zoom'].map(providerFamily), ['google', 'google', 'microsoft', 'ews', 'imap', 'zoom']);
    assert.equal(familyKey('imap', 'Imap.Example.COM'), 'imap:imap.example.com');
  });
});

describe('the proof of an address, and how strong it is: one table', () => {
  const table: readonly [string, () => GrantIdentity, Partial<GrantIdentity>][] = [
    ['Google sub with email_verified for the address: verified', () => oauthIdentity('google', 'a@x.com', { sub: '1', email: 'A@x.com', email_verified: true }), { subject: 'google|sub:1', strength: 'verified' }],
    ['v2 gmail and v3 google name the same identity', () => oauthIdentity('gmail', 'a@x.com', { sub: '1', email: 'a@x.com', email_verified: true }), { subject: 'google|sub:1' }],
    ['Google without email_verified: unverified', () => oauthIdentity('google', 'a@x.com', { sub: '1', email: 'a@x.com' }), { subject: 'google|sub:1', strength: 'unverified' }],
    ['Google verified for another address: unverified', () => oauthIdentity('google', 'a@x.com', { sub: '1', email: 'b@x.com', email_verified: true }), { strength: 'unverified' }],
    ['an OAuth email with no subject at all: unverified', () => oauthIdentity('google', 'a@x.com', undefined), { subject: 'google|email:a@x.com', strength: 'unverified' }],
    ['Microsoft tid + oid: verified, whatever mail says', () => oauthIdentity('office365', 'a@x.com', { tid: 't', oid: 'o', mail: 'other@x.com' }), { subject: 'microsoft|t|o', strength: 'verified' }],
    ['Microsoft with only sub and a verified-looking email: unverified', () => oauthIdentity('microsoft', 'a@x.com', { sub: 's', email: 'a@x.com', email_verified: true }), { strength: 'unverified' }],
    ['IMAP login equal to the address on its domain preset: verified', () => imapIdentity('yahoo', 'Bob@yahoo.com', 'imap.mail.yahoo.com', 'bob@yahoo.com', 'imap.mail.yahoo.com'), { subject: 'imap:imap.mail.yahoo.com|bob@yahoo.com', strength: 'verified' }],
    ['the same through `imap` on the same host: the same identity', () => imapIdentity('imap', 'bob@yahoo.com', 'IMAP.mail.yahoo.com', 'bob@yahoo.com', 'imap.mail.yahoo.com'), { subject: 'imap:imap.mail.yahoo.com|bob@yahoo.com', strength: 'verified' }],
    ['IMAP on a server the user typed in: unverified', () => imapIdentity('imap', 'bob@yahoo.com', 'mail.evil.example', 'bob@yahoo.com', 'imap.mail.yahoo.com'), { strength: 'unverified' }],
    ['IMAP login name that is not the address (alias on the preset): unverified', () => imapIdentity('icloud', 'me@icloud.com', 'imap.mail.me.com', 'appleid@gmail.com', 'imap.mail.me.com'), { strength: 'unverified' }],
    ['IMAP login name without @ on a typed server: unverified', () => imapIdentity('imap', 'a@corp.example', 'mail.corp.example', 'a', undefined), { subject: 'imap:mail.corp.example|a', strength: 'unverified' }],
    ['the sandbox: unverified', () => unprovenIdentity('sandbox', 'A@x.com', 'sandbox'), { subject: 'sandbox|email:a@x.com', strength: 'unverified' }],
  ];
  for (const [name, make, expected] of table) {
    it(name, () => {
      const got = make();
      for (const [k, val] of Object.entries(expected)) assert.equal(got[k as keyof GrantIdentity], val, k);
    });
  }

  it('an IMAP login name that is another address is refused (400), except on the preset of the address\'s domain', () => {
    assert.throws(() => imapIdentity('imap', 'victim@x.com', 'imap.mail.yahoo.com', 'attacker@yahoo.com', undefined), (e: { status?: number }) => e.status === 400);
    assert.throws(() => imapIdentity('yahoo', 'victim@gmail.com', 'imap.mail.yahoo.com', 'attacker@yahoo.com', undefined), (e: { status?: number }) => e.status === 400);
    assert.doesNotThrow(() => imapIdentity('yahoo', 'alias@yahoo.com', 'imap.mail.yahoo.com', 'bob@yahoo.com', 'imap.mail.yahoo.com'));
  });
});
