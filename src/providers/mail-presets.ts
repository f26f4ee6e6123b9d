/**
 * Where the password (app password) mail providers keep their IMAP and SMTP servers. Ports decide
 * the transport everywhere in grantkit: 993 (IMAP) and 465 (SMTP) are TLS from the first byte;
 * any other port starts in clear and upgrades with STARTTLS, which is required when
 * `sslRequired` is true. Presets are code configuration, so tests may point them at loopback.
 */
export interface MailServer {
  readonly host: string;
  readonly port: number;
}

export interface MailPreset {
  readonly imap: MailServer;
  readonly smtp: MailServer;
  /** Default true: credentials never cross the wire in clear. */
  readonly sslRequired?: boolean;
}

export type PasswordProviderName = 'yahoo' | 'aol' | 'icloud' | 'hotmail' | 'outlook';

/** Published by each provider for IMAP clients (an app password is needed with two-step verification on). */
export const MAIL_PRESETS: Readonly<Record<PasswordProviderName, MailPreset>> = {
  yahoo: { imap: { host: 'imap.mail.yahoo.com', port: 993 }, smtp: { host: 'smtp.mail.yahoo.com', port: 465 } },
  aol: { imap: { host: 'imap.aol.com', port: 993 }, smtp: { host: 'smtp.aol.com', port: 465 } },
  icloud: { imap: { host: 'imap.mail.me.com', port: 993 }, smtp: { host: 'smtp.mail.me.com', port: 587 } },
  // Outlook.com and Hotmail share Microsoft's consumer mail servers.
  hotmail: { imap: { host: 'outlook.office365.com', port: 993 }, smtp: { host: 'smtp-mail.outlook.com', port: 587 } },
  outlook: { imap: { host: 'outlook.office365.com', port: 993 }, smtp: { host: 'smtp-mail.outlook.com', port: 587 } },
};

/** Domains whose preset the generic `imap` provider uses when `imap_host` is not given (v3 makes it optional). */
const PRESET_DOMAINS: Readonly<Record<string, PasswordProviderName>> = {
  'yahoo.com': 'yahoo',
  'ymail.com': 'yahoo',
  'rocketmail.com': 'yahoo',
  'aol.com': 'aol',
  'aim.com': 'aol',
  'icloud.com': 'icloud',
  'me.com': 'icloud',
  'mac.com': 'icloud',
  'hotmail.com': 'hotmail',
  'outlook.com': 'outlook',
  'live.com': 'outlook',
  'msn.com': 'outlook',
};

export function presetNameForEmail(email: string): PasswordProviderName | undefined {
  return PRESET_DOMAINS[email.slice(email.lastIndexOf('@') + 1).toLowerCase()];
}

/** Implicit TLS (as opposed to STARTTLS) follows from the port. */
export function isImplicitTls(kind: 'imap' | 'smtp', port: number): boolean {
  return kind === 'imap' ? port === 993 : port === 465;
}
