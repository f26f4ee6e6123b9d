import { resolveMx } from 'node:dns/promises';

/**
 * `POST /v3/providers/detect`: which provider serves an address. A built-in table of
 * well-known consumer domains answers first; an optional lookup (e.g. DNS MX, for company
 * domains hosted by Google or Microsoft) is asked only when the table has no answer, and only
 * for as long as the kit's bound allows. The lookup is off by default: it leaks the domain to DNS
 * and can be slow.
 */
export interface Detection {
  readonly provider: string;
  /** For IMAP-hosted families (`aol`, `yahoo`, `icloud`...), as Nylas reports `type`. */
  readonly type?: string;
}

export type ProviderLookup = (domain: string) => Promise<Detection | undefined>;

const TABLE: ReadonlyArray<readonly [readonly string[], Detection]> = [
  [['gmail.com', 'googlemail.com'], { provider: 'google' }],
  [
    [
      'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'passport.com', 'outlook.co.uk', 'hotmail.co.uk', 'live.co.uk',
      'outlook.fr', 'hotmail.fr', 'live.fr', 'outlook.de', 'hotmail.de', 'live.de', 'outlook.es', 'hotmail.es', 'outlook.it',
      'hotmail.it', 'live.it', 'outlook.jp', 'hotmail.co.jp', 'live.jp', 'live.ca', 'live.com.au', 'outlook.com.au',
    ],
    { provider: 'microsoft' },
  ],
  [['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.co.jp', 'yahoo.ca', 'yahoo.com.au'], { provider: 'yahoo', type: 'yahoo' }],
  [['icloud.com', 'me.com', 'mac.com'], { provider: 'icloud', type: 'icloud' }],
  [['aol.com', 'aim.com', 'verizon.net'], { provider: 'imap', type: 'aol' }],
  [['gmx.com', 'gmx.net', 'gmx.de', 'web.de', 'mail.com', 'zoho.com', 'yandex.com', 'yandex.ru', 'fastmail.com', 'protonmail.com', 'proton.me'], { provider: 'imap' }],
];

const BY_DOMAIN: ReadonlyMap<string, Detection> = new Map(TABLE.flatMap(([domains, d]) => domains.map((x) => [x, d] as const)));

/** MX hosts that identify a hosting provider. */
const MX_HINTS: ReadonlyArray<readonly [RegExp, Detection]> = [
  [/(^|\.)(google\.com|googlemail\.com)$/i, { provider: 'google' }],
  [/(^|\.)(outlook\.com|office365\.us)$/i, { provider: 'microsoft' }],
  [/(^|\.)yahoodns\.net$/i, { provider: 'yahoo', type: 'yahoo' }],
  [/(^|\.)icloud\.com$/i, { provider: 'icloud', type: 'icloud' }],
];

/** A lookup that reads the domain's MX records. Pass it as `providerLookup: mxLookup()`. */
export function mxLookup(): ProviderLookup {
  return async (domain) => {
    const records = await resolveMx(domain);
    records.sort((a, b) => a.priority - b.priority);
    for (const { exchange } of records) {
      const host = exchange.replace(/\.$/, '');
      const hit = MX_HINTS.find(([re]) => re.test(host));
      if (hit) return hit[1];
    }
    return records.length > 0 ? { provider: 'imap' } : undefined;
  };
}

export class ProviderDetector {
  readonly #lookup: ProviderLookup | undefined;
  readonly #timeoutMs: number;

  constructor(lookup: ProviderLookup | undefined, timeoutMs: number) {
    this.#lookup = lookup;
    this.#timeoutMs = timeoutMs;
  }

  /** Never throws: a failing or slow lookup is "not detected". */
  async detect(email: string): Promise<Detection | undefined> {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const known = BY_DOMAIN.get(domain);
    if (known || this.#lookup === undefined) return known;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#timeoutMs);
    });
    try {
      return await Promise.race([this.#lookup(domain).catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
