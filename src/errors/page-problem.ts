import { en } from '../locales/en.js';
import type { PageMessage } from '../locales/index.js';
import { GrantKitError, type GrantKitErrorCode, type GrantKitErrorInit } from './error.js';

/**
 * A failure that a sign-in page reports in its own words: `pageMessage` names the text in each
 * locale's catalogue. The error's own message, which an app reads as `error_description` when the
 * user is sent back to it, is the English text.
 */
export class PageProblem extends GrantKitError {
  readonly pageMessage: PageMessage;

  constructor(message: PageMessage, code: GrantKitErrorCode = 'invalid_request', init?: GrantKitErrorInit) {
    super(code, en.messages[message], init);
    this.pageMessage = message;
  }
}

/**
 * What a page says about an error, in words every catalogue has: a PageProblem's own message, else
 * one by the kind of failure. An error's English message is for the app (it goes into the
 * redirect's `error_description` and the API's bodies) and never onto a page, which may be in
 * another language; `fallback` is what a page says of a request it cannot complete.
 */
export function pageMessage(err: GrantKitError, fallback: PageMessage = 'badRequest'): PageMessage {
  if (err instanceof PageProblem) return err.pageMessage;
  if (err.v3Type === 'grant.reauth_email_invalid' || err.code === 'grant_access_denied') return 'reauthRefused';
  if (err.v3Type === 'grant.scopes_conflict') return 'scopesNotGranted';
  if (err.code === 'provider_auth_failed') return 'wrongCredentials';
  if (err.code === 'provider_error') return 'providerUnreachable';
  return err.status >= 500 ? 'unavailable' : fallback;
}
