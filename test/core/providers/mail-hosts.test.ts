import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { imapProvider, ProviderUnavailableError } from '../../../src/index.js';
import { isPublicAddress } from '../../../src/providers/public-address.js';
import { startImap } from '../../support/providers.js';

/**
 * A user-supplied IMAP or SMTP host must resolve to public addresses only; the ranges come from
 * ipaddr.js, plus the IPv6 forms that embed an IPv4 address. The IMAP login connects to the address
 * that was checked, with the TLS server name set to the host, so a second DNS answer cannot move it.
 */

const REFUSED = [
  // IPv4 special ranges.
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1',
  '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.0.1', '240.0.0.1',
  // IPv6 special ranges.
  '::1', '::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'fec0::1', 'ff02::1', '2001:db8::1', '2001::1', '64:ff9b:1::a00:1',
  // IPv4-mapped.
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
  // NAT64 with a private IPv4 inside.
  '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::a9fe:a9fe',
  // 6to4 with a private IPv4 inside.
  '2002:7f00:1::1', '2002:a00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::1',
  // IPv4-compatible (deprecated), whatever the IPv4 inside.
  '::7f00:1', '::127.0.0.1', '::a00:1', '::808:808',
  // Not an address at all.
  'not-an-ip', '', '1.2.3', '1.2.3.4.5',
];

const ALLOWED = [
  '93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::1',
  '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1',
];

describe('which addresses a user-supplied mail host may resolve to', () => {
  for (const address of REFUSED) {
    test(`${JSON.stringify(address)} is not a public address`, () => {
      assert.equal(isPublicAddress(address), false);
    });
  }
  for (const address of ALLOWED) {
    test(`${address} is a public address`, () => {
      assert.equal(isPublicAddress(address), true);
    });
  }
});

const settings = (extra: Record<string, unknown>): Record<string, unknown> => ({
  imap_username: 'ada@example.com',
  imap_password: 'pw',
  ssl_required: false,
  imap_port: 9,
  ...extra,
});

/** A resolver that answers from a table and counts its calls; any other name does not resolve. */
function fakeLookup(answers: Record<string, readonly string[]>): {
  calls: string[];
  lookup: (host: string) => Promise<Array<{ address: string; family: number }>>;
} {
  const calls: string[] = [];
  return {
    calls,
    lookup: async (host) => {
      calls.push(host);
      // As getaddrinfo does, an IP literal resolves to itself.
      const list = net.isIP(host) !== 0 ? [host] : answers[host];
      if (list === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return list.map((address) => ({ address, family: net.isIP(address) }));
    },
  };
}

describe('native IMAP sign-in refuses hosts that point into the server\'s own network', () => {
  // IP literals resolve to themselves: nothing here needs DNS, and nothing is connected to.
  for (const literal of ['::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '::ffff:7f00:1', '::ffff:127.0.0.1', '169.254.169.254']) {
    test(`imap_host ${literal} is refused before any connection`, async () => {
      const p = imapProvider({ timeoutMs: 1000 });
      await assert.rejects(
        p.verify({ email: 'ada@example.com', name: '', settings: settings({ imap_host: literal }) }),
        /"settings\.imap_host" must resolve to a public address/,
      );
    });
  }

  for (const literal of ['127.0.0.1', '10.0.0.25', '::ffff:192.168.0.1', '64:ff9b::a00:1', '::7f00:1']) {
    test(`smtp_host ${literal} is refused like imap_host, before the IMAP login`, async () => {
      const dns = fakeLookup({ 'imap.example.com': ['93.184.216.34'] });
      const p = imapProvider({ timeoutMs: 1000, lookup: dns.lookup });
      await assert.rejects(
        p.verify({ email: 'ada@example.com', name: '', settings: settings({ imap_host: 'imap.example.com', smtp_host: literal }) }),
        /"settings\.smtp_host" must resolve to a public address/,
      );
    });
  }

  test('an smtp_host name with one private address among public ones is refused', async () => {
    const dns = fakeLookup({ 'imap.example.com': ['93.184.216.34'], 'smtp.example.com': ['93.184.216.35', '10.1.2.3'] });
    const p = imapProvider({ timeoutMs: 1000, lookup: dns.lookup });
    await assert.rejects(
      p.verify({ email: 'ada@example.com', name: '', settings: settings({ imap_host: 'imap.example.com', smtp_host: 'smtp.example.com' }) }),
      /"settings\.smtp_host" must resolve to a public address/,
    );
  });
});

describe('the IMAP login connects to the address that was checked', () => {
  let imap: { port: number; close(): Promise<void> };
  before(async () => {
    imap = await startImap({ 'ada@example.com': { password: 'right-password' } });
  });
  after(async () => {
    await imap.close();
  });

  test('a host is resolved once and the connection goes to that answer, not to a second lookup of the name', async () => {
    // A rebinding resolver: the first answer is the loopback test server, any later one elsewhere.
    // The name itself does not exist, so a connection by name (a second lookup) could not succeed.
    let n = 0;
    const calls: string[] = [];
    const lookup = async (host: string): Promise<Array<{ address: string; family: number }>> => {
      calls.push(host);
      return [{ address: n++ === 0 ? '127.0.0.1' : '192.0.2.1', family: 4 }];
    };
    const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 5000, lookup });
    const v = await p.verify({
      email: 'ada@example.com',
      name: 'Ada',
      settings: { imap_host: 'imap.rebind.invalid', imap_port: imap.port, imap_username: 'ada@example.com', imap_password: 'right-password', ssl_required: false },
    });
    assert.deepEqual(calls, ['imap.rebind.invalid']);
    // What is kept for the app is still the name the user gave.
    assert.equal(v.settings['imap_host'], 'imap.rebind.invalid');
  });

  test('TLS to the checked address still names the host (SNI) for the certificate check', async () => {
    // A STARTTLS-only IMAP server that records the server name of the TLS handshake. Its
    // certificate is not trusted, so the login fails after the handshake has shown the name.
    const certDir = `${createRequire(import.meta.url).resolve('hoodiecrow-imap/package.json').replace(/package\.json$/, '')}cert/`;
    const context = tls.createSecureContext({ key: readFileSync(`${certDir}server.key`), cert: readFileSync(`${certDir}server.crt`) });
    const servernames: string[] = [];
    const server = net.createServer((socket) => {
      socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n');
      let buffered = '';
      const onData = (d: Buffer): void => {
        buffered += d.toString('latin1');
        let nl: number;
        while ((nl = buffered.indexOf('\r\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 2);
          const [tag, command] = line.split(' ');
          if (command?.toUpperCase() === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`);
          else if (command?.toUpperCase() === 'STARTTLS') {
            socket.off('data', onData);
            socket.write(`${tag} OK begin TLS\r\n`, () => {
              // The SNI callback runs on the ClientHello, before the client can refuse the certificate.
              const secure = new tls.TLSSocket(socket, {
                isServer: true,
                secureContext: context,
                SNICallback: (name, cb) => {
                  servernames.push(name);
                  cb(null, context);
                },
              });
              secure.on('error', () => secure.destroy());
            });
            return;
          } else socket.write(`${tag} BAD unknown\r\n`);
        }
      };
      socket.on('data', onData);
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const dns = fakeLookup({ 'imap.sni.invalid': ['127.0.0.1'] });
      const p = imapProvider({ allowPrivateHosts: true, timeoutMs: 3000, lookup: dns.lookup });
      await assert.rejects(
        p.verify({
          email: 'ada@example.com',
          name: '',
          settings: { imap_host: 'imap.sni.invalid', imap_port: port, imap_username: 'ada@example.com', imap_password: 'pw', ssl_required: true },
        }),
        (e: unknown) => e instanceof ProviderUnavailableError,
      );
      assert.deepEqual(dns.calls, ['imap.sni.invalid']);
      // The client offered the name in its ClientHello; the untrusted certificate then ended the login.
      assert.deepEqual(servernames, ['imap.sni.invalid']);
    } finally {
      server.close();
    }
  });
});
