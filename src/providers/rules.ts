import { GrantKitError } from '../errors/error.js';

/**
 * Provider-specific scope rules from Nylas's v2 scope documentation, checked when an authorization is requested.
 * They key on the provider's wire name, whichever verifier serves it.
 */
const IMAP_FAMILY = new Set(['imap', 'yahoo', 'aol', 'icloud', 'hotmail', 'outlook']);
const GMAIL_METADATA_CONFLICTS = ['email.read_only', 'email.modify', 'email'];

/** Returns warnings to pass on to the caller; throws a 400 when the combination cannot work. */
export function checkProviderRules(provider: string, scopes: readonly string[]): string[] {
  const warnings: string[] = [];
  const has = (s: string): boolean => scopes.includes(s);

  if (provider === 'gmail' && has('email.metadata')) {
    const clash = GMAIL_METADATA_CONFLICTS.filter(has);
    if (clash.length > 0) {
      throw new GrantKitError(
        'invalid_request',
        `On gmail, "email.metadata" cannot be combined with ${clash.map((s) => `"${s}"`).join(', ')}: ` +
          'Google answers 403 to such accounts. The broader scope already includes metadata; drop "email.metadata".',
      );
    }
  }

  if (IMAP_FAMILY.has(provider)) {
    const hasEmail = scopes.some((s) => s === 'email' || s.startsWith('email.'));
    const needsEmail = scopes.filter((s) => s.startsWith('calendar') || s.startsWith('contacts'));
    if (needsEmail.length > 0 && !hasEmail) {
      throw new GrantKitError(
        'invalid_request',
        `On ${provider}, ${needsEmail.map((s) => `"${s}"`).join(', ')} need an email scope: IMAP accounts have no ` +
          'calendars or contacts of their own; they are read from email, so add an email scope.',
      );
    }
  }

  if (provider === 'gmail' && scopes.length === 1 && scopes[0] === 'email.send') {
    warnings.push(
      'Using "email.send" as the only scope with a Gmail account may lead to unexpected threading behaviour: ' +
        'replies cannot be matched to threads that cannot be read.',
    );
  }

  if (provider === 'office365' && has('room_resources.read_only')) {
    warnings.push('"room_resources.read_only" on Office 365 needs admin consent in the Microsoft tenant.');
  }

  return warnings;
}
