import { isIP } from 'node:net';
import { isImplicitTls } from './mail-presets.js';
import { ProviderAuthError, ProviderUnavailableError } from './provider.js';
import { resolvePublicHost, systemLookup, type HostLookup } from './public-address.js';

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
  /** How a user-supplied host is resolved; default: the system resolver. */
  readonly lookup?: HostLookup;
}

/**
 * Where to connect. The name is resolved once (through `lookup`) and the connection pinned to the
 * address of that answer, with TLS still verifying the certificate for the name. For a host the
 * user supplied, every address of the answer must be public (public-address.ts).
 */
async function target(login: ImapLogin, options: ImapLoginOptions): Promise<{ address: string; servername: string | undefined }> {
  const servername = isIP(login.host) === 0 ? login.host : undefined;
  // Preset hosts are ours to trust, and the system resolver's caching and failover suit them.
  if (login.trustedHost) return { address: login.host, servername };
  const address = await resolvePublicHost(login.host, 'settings.imap_host', {
    lookup: options.lookup ?? systemLookup,
    allowPrivate: options.allowPrivateHosts,
  });
  return { address, servername };
}

export async function imapLogin(login: ImapLogin, options: ImapLoginOptions): Promise<void> {
  const { address, servername } = await target(login, options);
  // Loaded at the first login, not with grantkit: imapflow and its dependencies take longer to
  // load than the rest of the package, and most apps configure no IMAP provider.
  const { ImapFlow } = await import('imapflow');
  const secure = isImplicitTls('imap', login.port);
  const client = new ImapFlow({
    host: address,
    port: login.port,
    secure,
    // Required upgrade when SSL is required; otherwise leave imapflow's opportunistic default.
    ...(secure ? {} : login.sslRequired ? { doSTARTTLS: true } : {}),
    // SNI and certificate verification use the name, while the socket goes to the checked address.
    ...(servername === undefined ? {} : { servername }),
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
    if (typeof e === 'object' && e !== null && 'authenticationFailed' in e && e.authenticationFailed === true) {
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
