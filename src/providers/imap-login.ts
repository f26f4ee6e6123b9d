import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import { GrantkitError } from '../errors/error.js';
import { isImplicitTls } from './mail-presets.js';
import { ProviderAuthError, ProviderUnavailableError } from './provider.js';

/**
 * One IMAP login, to prove a username and password (or app password) are right, then log out.
 * The client is imapflow. Nothing about the session is kept and nothing is logged.
 */
export interface ImapLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Refuse to send the password in clear: STARTTLS becomes mandatory on a non-TLS port. */
  readonly sslRequired: boolean;
  /**
   * False when the host came from the user (not from a preset): it must then resolve to public
   * addresses only, or native auth would let anyone make the server connect into its own network.
   */
  readonly trustedHost: boolean;
}

export interface ImapLoginOptions {
  readonly timeoutMs: number;
  /** Let user-supplied hosts resolve to loopback or private addresses (tests, on-premises servers). */
  readonly allowPrivateHosts: boolean;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

function isPrivate(address: string, family: number): boolean {
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return PRIVATE.check(v4, 'ipv4');
  }
  return PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Where to connect. For an untrusted host the name is resolved once, every address checked, and
 * the connection pinned to the checked address (TLS still verifies the certificate for the name),
 * so a second DNS answer cannot redirect it.
 */
async function target(login: ImapLogin, options: ImapLoginOptions): Promise<{ address: string; servername: string | undefined }> {
  const servername = isIP(login.host) === 0 ? login.host : undefined;
  if (login.trustedHost || options.allowPrivateHosts) return { address: login.host, servername };
  let addresses;
  try {
    addresses = await lookup(login.host, { all: true });
  } catch (cause) {
    throw new GrantkitError('invalid_request', '"settings.imap_host" does not resolve.', { cause });
  }
  const first = addresses[0];
  if (first === undefined || addresses.some((a) => isPrivate(a.address, a.family))) {
    throw new GrantkitError('invalid_request', '"settings.imap_host" must resolve to a public address.');
  }
  return { address: first.address, servername };
}

export async function imapLogin(login: ImapLogin, options: ImapLoginOptions): Promise<void> {
  const { address, servername } = await target(login, options);
  const secure = isImplicitTls('imap', login.port);
  const client = new ImapFlow({
    host: address,
    port: login.port,
    secure,
    // Required upgrade when SSL is required; otherwise leave imapflow's opportunistic default.
    ...(secure ? {} : login.sslRequired ? { doSTARTTLS: true } : {}),
    ...(servername === undefined ? {} : { tls: { servername } }),
    auth: { user: login.username, pass: login.password },
    logger: false,
    verifyOnly: true,
    disableAutoIdle: true,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    clientInfo: { name: 'grantkit' },
  });
  // imapflow also emits 'error' for socket failures; the connect() rejection below reports them.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    if (typeof e === 'object' && e !== null && (e as { authenticationFailed?: unknown }).authenticationFailed === true) {
      throw new ProviderAuthError('the IMAP server refused the login');
    }
    throw new ProviderUnavailableError('the IMAP server could not be reached', { cause: e });
  } finally {
    try {
      client.close();
    } catch {
      // Already closed by verifyOnly's logout.
    }
  }
}
