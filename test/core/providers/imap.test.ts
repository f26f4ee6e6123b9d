import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { imapProvider, passwordProvider, ProviderAuthError, ProviderUnavailableError } from '../../../src/index.js';
import { makeApp, makeKit } from '../../support/helpers.js';
import { connect, startImap } from '../../support/providers.js';

describe('IMAP verifiers against an IMAP server on loopback (hoodiecrow)', () => {
  let imap: { port: number; close(): Promise<void> };

  before(async () => {
    imap = await startImap({ 'ada@example.com': { password: 'right-password' }, 'bob@yahoo.com': { password: 'app-password' } });
  });
  after(async () => {
    await imap.close();
  });

  const settings = (password: string): Record<string, unknown> => ({
    imap_host: '127.0.0.1',
    imap_port: imap.port,
    imap_username: 'ada@example.com',
    imap_password: password,
    ssl_required: false,
    smtp_host: '127.0.0.1',
    smtp_port: 2525,
  });

  it('imap: the right password logs in; the kept settings are the connection settings', async () => {
    const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 });
    const v = await p.verify({ email: 'ada@example.com', name: 'Ada', settings: settings('right-password') });
    assert.deepEqual(v.settings, {
      imap_host: '127.0.0.1',
      imap_port: imap.port,
      imap_username: 'ada@example.com',
      imap_password: 'right-password',
      ssl_required: false,
      smtp_host: '127.0.0.1',
      smtp_port: 2525,
      smtp_username: 'ada@example.com',
      smtp_password: 'right-password',
    });
  });

  it('imap: a wrong password is a ProviderAuthError', async () => {
    const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 });
    await assert.rejects(p.verify({ email: 'ada@example.com', name: '', settings: settings('wrong') }), ProviderAuthError);
  });

  it('imap: a closed port is a ProviderUnavailableError', async () => {
    const gone = await startImap({});
    const port = gone.port;
    await gone.close();
    const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 2000 });
    await assert.rejects(
      p.verify({ email: 'ada@example.com', name: '', settings: { ...settings('x'), imap_port: port } }),
      (e: unknown) => e instanceof ProviderUnavailableError,
    );
  });

  it('imap: by default a user-supplied host may not point into the server\'s own network', async () => {
    const p = imapProvider({ timeoutMs: 2000 });
    await assert.rejects(p.verify({ email: 'ada@example.com', name: '', settings: settings('right-password') }), /public address/);
  });

  it('imap: ssl_required refuses to log in over a connection without TLS', async () => {
    const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 2000 });
    await assert.rejects(
      p.verify({ email: 'ada@example.com', name: '', settings: { ...settings('right-password'), ssl_required: true } }),
      (e: unknown) => e instanceof ProviderUnavailableError,
    );
  });

  it('a preset provider (yahoo) pointed at the loopback server: app password good and bad', async () => {
    const yahoo = passwordProvider('yahoo', {
      preset: { imap: { host: '127.0.0.1', port: imap.port }, smtp: { host: '127.0.0.1', port: 2525 }, sslRequired: false },
      timeoutMs: 5000,
    });
    const v = await yahoo.verify({ email: 'bob@yahoo.com', name: 'Bob', settings: { password: 'app-password' } });
    assert.equal(v.settings['imap_username'], 'bob@yahoo.com');
    assert.equal(v.settings['imap_host'], '127.0.0.1');
    await assert.rejects(yahoo.verify({ email: 'bob@yahoo.com', name: 'Bob', settings: { password: 'nope' } }), ProviderAuthError);
  });

  it('the real presets name each provider\'s published servers', async () => {
    const { MAIL_PRESETS } = await import('../../../src/index.js');
    assert.equal(MAIL_PRESETS.yahoo.imap.host, 'imap.mail.yahoo.com');
    assert.equal(MAIL_PRESETS.icloud.imap.host, 'imap.mail.me.com');
    assert.equal(MAIL_PRESETS.aol.imap.port, 993);
    assert.equal(MAIL_PRESETS.outlook.imap.host, 'outlook.office365.com');
    assert.equal(MAIL_PRESETS.hotmail.smtp.port, 587);
  });

  describe('end to end through /connect/*', () => {
    it('imap grant: wrong password → 401 and nothing stored; right one → grant whose settings providerSettings() opens', async () => {
      const { kit, store } = makeKit({ providers: [imapProvider({ allowPrivateHosts: true, timeoutMs: 5000 })] });
      const app = makeApp(kit);
      const bad = await connect(app, 'imap', 'ada@example.com', settings('wrong'));
      assert.equal(bad.status, 401);
      assert.equal((await store.listGrants({})).length, 0);

      const good = await connect(app, 'imap', 'ada@example.com', settings('right-password'));
      assert.equal(good.status, 200);
      assert.ok(!JSON.stringify(good.body).includes('right-password'));
      assert.ok(!JSON.stringify(store.dump()).includes('right-password'), 'sealed at rest');
      const s = await kit.providerSettings(good.grantId!);
      assert.deepEqual(s.imap, {
        host: '127.0.0.1',
        port: imap.port,
        secure: false,
        requireTLS: false,
        auth: { user: 'ada@example.com', pass: 'right-password' },
      });
      assert.deepEqual(s.smtp, { host: '127.0.0.1', port: 2525, secure: false, requireTLS: false, auth: { user: 'ada@example.com', pass: 'right-password' } });
    });

    it('yahoo grant with the preset; providerAccessToken() on it says to use providerSettings()', async () => {
      const yahoo = passwordProvider('yahoo', {
        preset: { imap: { host: '127.0.0.1', port: imap.port }, smtp: { host: '127.0.0.1', port: 465 }, sslRequired: false },
        timeoutMs: 5000,
      });
      const { kit } = makeKit({ providers: [yahoo] });
      const res = await connect(makeApp(kit), 'yahoo', 'bob@yahoo.com', { password: 'app-password' });
      assert.equal(res.status, 200);
      const s = await kit.providerSettings(res.grantId!);
      assert.equal(s.imap.auth.pass, 'app-password');
      assert.equal(s.smtp?.secure, true, 'port 465 is implicit TLS');
      await assert.rejects(kit.providerAccessToken(res.grantId!), (e: { status?: number; message?: string }) => e.status === 400 && /providerSettings/.test(e.message ?? ''));
    });

    it('calendar without email on an IMAP-family provider is still refused by the rules (400)', async () => {
      const { kit } = makeKit({ providers: [imapProvider({ allowPrivateHosts: true })] });
      const res = await connect(makeApp(kit), 'imap', 'ada@example.com', settings('right-password'), 'calendar');
      assert.equal(res.status, 400);
    });
  });
});
