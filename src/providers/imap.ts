import { GrantKitError } from '../errors/error.js';
import { imapIdentity } from '../grants/identity.js';
import { isPasswordProviderName } from './families.js';
import { imapLogin } from './imap-login.js';
import { resolvePublicHost, systemLookup, type HostLookup } from './public-address.js';
import { MAIL_PRESETS, presetNameForEmail, type MailPreset, type PasswordProviderName } from './mail-presets.js';
import type { NativeProvider, VerifiedAccount } from './provider.js';

/**
 * The IMAP family: `imap` with the user's own servers, and the password providers (yahoo, aol,
 * icloud, hotmail, outlook) with known servers. Each is verified by an IMAP login. What is kept,
 * sealed, is the connection settings in Nylas's flat form, so `kit.providerSettings()` can hand an
 * IMAP or SMTP client everything it needs, whichever provider the grant came from:
 * `imap_host`, `imap_port`, `imap_username`, `imap_password`, `ssl_required`, and `smtp_*` when known.
 */
export interface ImapProviderOptions {
  /**
   * Server presets by provider, merged over MAIL_PRESETS. The `imap` provider uses them when
   * `imap_host` is absent and the email's domain is a known one.
   */
  readonly presets?: Partial<Readonly<Record<PasswordProviderName, MailPreset>>>;
  /** Bound on connecting, the greeting and each reply. Default 10 s. */
  readonly timeoutMs?: number;
  /**
   * Let a user-supplied `imap_host` or `smtp_host` resolve to loopback or private addresses. Off by
   * default: native auth is open to anyone with the client id, and would otherwise reach into the
   * server's network.
   */
  readonly allowPrivateHosts?: boolean;
  /**
   * How user-supplied hosts are resolved (default: the system resolver). Each host is resolved once;
   * the IMAP login connects to the address that was checked, not to the name.
   */
  readonly lookup?: HostLookup;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_FIELD = 1024;

export function imapProvider(options: ImapProviderOptions = {}): NativeProvider {
  const presets = { ...MAIL_PRESETS, ...options.presets };
  const loginOptions = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    allowPrivateHosts: options.allowPrivateHosts ?? false,
    lookup: options.lookup ?? systemLookup,
  };
  return {
    name: 'imap',
    organizationUnit: 'folder',
    async verify({ email, name, settings }): Promise<VerifiedAccount> {
      const host = str(settings, 'imap_host', false);
      const presetName = host === undefined ? presetNameForEmail(email) : undefined;
      const preset = presetName === undefined ? undefined : presets[presetName];
      if (host === undefined && preset === undefined) {
        throw new GrantKitError('invalid_request', '"settings.imap_host" is required.');
      }
      const sslRequired = bool(settings, 'ssl_required') ?? preset?.sslRequired ?? true;
      const username = str(settings, 'imap_username', false) ?? email;
      const password = str(settings, 'imap_password', true)!;
      const imapHost = host ?? preset!.imap.host;
      const imapPort = port(settings, 'imap_port') ?? (host === undefined ? preset!.imap.port : sslRequired ? 993 : 143);
      // Before the login: a login name that is another address is refused without a connection.
      const domainPreset = presetNameForEmail(email);
      const identity = imapIdentity('imap', email, imapHost, username, domainPreset === undefined ? undefined : presets[domainPreset]?.imap.host);
      const userSmtpHost = str(settings, 'smtp_host', false);
      // The app will hand smtp_host to its own SMTP client: a user-supplied one obeys the same
      // public-address rule as imap_host, and is checked before any connection is made.
      if (userSmtpHost !== undefined) {
        await resolvePublicHost(userSmtpHost, 'settings.smtp_host', { lookup: loginOptions.lookup, allowPrivate: loginOptions.allowPrivateHosts });
      }
      await imapLogin(
        { host: imapHost, port: imapPort, username, password, sslRequired, trustedHost: host === undefined },
        loginOptions,
      );
      const kept: Record<string, unknown> = {
        imap_host: imapHost,
        imap_port: imapPort,
        imap_username: username,
        imap_password: password,
        ssl_required: sslRequired,
      };
      const smtpHost = userSmtpHost ?? preset?.smtp.host;
      if (smtpHost !== undefined) {
        kept['smtp_host'] = smtpHost;
        kept['smtp_port'] = port(settings, 'smtp_port') ?? preset?.smtp.port ?? 587;
        kept['smtp_username'] = str(settings, 'smtp_username', false) ?? username;
        kept['smtp_password'] = str(settings, 'smtp_password', false) ?? password;
      }
      return { email, name, settings: kept, identity };
    },
  };
}

export interface PasswordProviderOptions {
  /** Replaces the provider's servers (tests point them at loopback). */
  readonly preset?: MailPreset;
  readonly timeoutMs?: number;
}

/**
 * A mail provider with known servers, signed in with an app password: v2 `settings: {password}`
 * (the username is the email address), v3 iCloud `settings: {username, password}`.
 */
export function passwordProvider(name: PasswordProviderName, options: PasswordProviderOptions = {}): NativeProvider {
  const preset = options.preset ?? MAIL_PRESETS[name];
  if (preset === undefined) throw new TypeError(`grantkit: no mail preset for provider "${String(name)}"`);
  const sslRequired = preset.sslRequired ?? true;
  const loginOptions = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, allowPrivateHosts: false };
  return {
    name,
    organizationUnit: 'folder',
    async verify({ email, name: displayName, settings }): Promise<VerifiedAccount> {
      const username = str(settings, 'username', false) ?? email;
      const password = str(settings, 'password', true)!;
      // The preset of the address's own domain: this provider's (as configured) when it is the
      // domain's provider, the published one otherwise (hotmail and outlook share a server).
      const domainPreset = presetNameForEmail(email);
      const domainHost = domainPreset === name ? preset.imap.host : domainPreset === undefined ? undefined : MAIL_PRESETS[domainPreset].imap.host;
      const identity = imapIdentity(name, email, preset.imap.host, username, domainHost);
      await imapLogin({ ...preset.imap, username, password, sslRequired, trustedHost: true }, loginOptions);
      return {
        email,
        name: displayName,
        identity,
        settings: {
          imap_host: preset.imap.host,
          imap_port: preset.imap.port,
          imap_username: username,
          imap_password: password,
          ssl_required: sslRequired,
          smtp_host: preset.smtp.host,
          smtp_port: preset.smtp.port,
          smtp_username: username,
          smtp_password: password,
        },
      };
    },
  };
}

/** The five password providers at once, for `providers: [...passwordProviders()]`. */
export function passwordProviders(options: { readonly timeoutMs?: number } = {}): NativeProvider[] {
  return Object.keys(MAIL_PRESETS).filter(isPasswordProviderName).map((n) => passwordProvider(n, options));
}

function str(settings: Readonly<Record<string, unknown>>, key: string, required: boolean): string | undefined {
  const v = settings[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '' || v.length > MAX_FIELD || /[\r\n\0]/.test(v)) {
    throw new GrantKitError('invalid_request', `"settings.${key}" must be a non-empty string.`);
  }
  return v;
}

function port(settings: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = settings[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new GrantKitError('invalid_request', `"settings.${key}" must be a port number.`);
  }
  return n;
}

function bool(settings: Readonly<Record<string, unknown>>, key: string): boolean | undefined {
  const v = settings[key];
  if (v === undefined) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new GrantKitError('invalid_request', `"settings.${key}" must be a boolean.`);
}
