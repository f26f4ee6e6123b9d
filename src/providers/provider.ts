/**
 * A native ("custom") authentication provider: it checks the settings a user posted
 * (a password, a provider refresh token, server settings) and says who they belong to.
 * Later work plugs real verifiers (IMAP login, a refresh at Google's or Microsoft's token URL)
 * into this one interface.
 */
export interface NativeProvider {
  /** The wire name posted as `provider` (gmail, office365, imap, sandbox, ...). */
  readonly name: string;
  /** Gmail accounts organise with labels, the rest with folders (the v2 account object says which). */
  readonly organizationUnit: 'label' | 'folder';
  verify(input: VerifyInput): Promise<VerifiedAccount>;
}

import type { GrantIdentity } from '../store/records.js';

export interface VerifyInput {
  readonly email: string;
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface VerifiedAccount {
  /** The account's address as the provider knows it. */
  readonly email: string;
  readonly name?: string;
  /** What to keep, sealed, for later use (refresh token, password, server settings). */
  readonly settings: Readonly<Record<string, unknown>>;
  /**
   * Who proved the address, and how strongly (grants/identity.ts builds these). A provider that
   * leaves it out proves nothing beyond the address: its grants are unverified.
   */
  readonly identity?: GrantIdentity;
}

/** Thrown by a provider when the credentials are wrong. Its message is never shown to the client. */
export class ProviderAuthError extends Error {
  override readonly name = 'ProviderAuthError';
}

/**
 * Thrown by a provider that could not give an answer: its server was unreachable, timed out, or
 * failed (5xx). Unlike ProviderAuthError it says nothing about the credentials, so a grant is never
 * marked invalid because of it; the flows answer 502 `provider_error`.
 */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}
