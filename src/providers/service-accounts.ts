import { GrantKitError } from '../errors/error.js';

/**
 * Nylas's v2 documentation: "Nylas is currently able to onboard Google G Suite and Exchange-based accounts for
 * calendar data only via Service Accounts." This is the v2 rule; v3 bulk grants work
 * for Google and Graph with the scopes the connector allows, and live in flows/custom.ts.
 *
 * A v2 native authorization is a service account when its settings say `service_account: true`
 * or carry a Google `service_account_json`.
 */
const V2_SERVICE_ACCOUNT_PROVIDERS: ReadonlySet<string> = new Set(['gmail', 'exchange', 'office365']);
const CALENDAR_SCOPES: ReadonlySet<string> = new Set(['calendar', 'calendar.read_only', 'calendar.free_busy']);

export function isV2ServiceAccount(settings: Readonly<Record<string, unknown>> | undefined): boolean {
  return settings !== undefined && (settings['service_account'] === true || settings['service_account_json'] !== undefined);
}

/** Throws the 400 that says why, or returns when the service-account authorization may proceed. */
export function checkV2ServiceAccount(provider: string, scopes: readonly string[]): void {
  if (!V2_SERVICE_ACCOUNT_PROVIDERS.has(provider)) {
    throw new GrantKitError(
      'invalid_request',
      `Service accounts are available for Google Workspace (gmail) and Exchange-based accounts (exchange, office365) only, not "${provider.slice(0, 64)}".`,
    );
  }
  const other = scopes.filter((s) => !CALENDAR_SCOPES.has(s));
  if (other.length > 0) {
    throw new GrantKitError(
      'invalid_request',
      `Service accounts reach calendar data only; remove ${other.map((s) => `"${s}"`).join(', ')} from "scopes".`,
    );
  }
}
