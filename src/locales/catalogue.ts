import type { V2Scope } from '../scopes/catalog.js';
import type { ScopeMeaning } from '../scopes/plain-words.js';

/**
 * Every word the hosted sign-in pages show, for one language. Each locale is one file that
 * exports a `Catalogue` under its language tag (en.ts exports `en`), so a key missing from a
 * translation, or one it adds, is a compile error. Texts are plain text: the pages escape them.
 * Where a text wraps a value the page marks up (the sandbox's password as code), the function
 * is called with a placeholder and the page puts the markup in its place.
 */
export interface Catalogue {
  /** The BCP 47 tag of `<html lang>` and `Content-Language`: the same as the file's name. */
  readonly lang: string;
  /** The providers whose names are words rather than brands (the others are shown as they are). */
  readonly providers: { readonly imap: string; readonly oauth2: string; readonly sandbox: string };
  readonly picker: { readonly title: string; readonly emailInstead: string };
  readonly email: { readonly title: string; readonly label: string; readonly submit: string; readonly orChoose: string };
  readonly credentials: CredentialWords;
  readonly consent: ConsentWords;
  readonly errorPage: {
    readonly title: string;
    /** The link back to the app, by its name when it has one. */
    readonly back: (app: string | undefined) => string;
  };
  readonly rateLimited: { readonly title: string; readonly message: (wait: Wait) => string };
  /** What a page says went wrong: on an error page, or above a form shown again. */
  readonly messages: Readonly<Record<PageMessage, string>>;
  readonly scopes: {
    /** Nylas's v2 scopes, each described. */
    readonly v2: Readonly<Record<V2Scope, string>>;
    /** What the common provider scopes let an app do (src/scopes/plain-words.ts names them). */
    readonly provider: Readonly<Record<ScopeMeaning, string>>;
  };
}

/** The credential forms: the title, the fields, and the notes of the sandbox and app-password providers. */
export interface CredentialWords {
  readonly title: (provider: string) => string;
  readonly email: string;
  readonly password: string;
  readonly appPassword: string;
  readonly submit: string;
  /** The sandbox's note; `password` stands where its password is shown. */
  readonly sandboxHint: (password: string) => string;
  readonly appPasswordNote: (provider: string) => string;
  readonly appPasswordLink: (provider: string) => string;
  readonly server: string;
  readonly port: string;
  readonly security: string;
  readonly ssl: string;
  readonly starttls: string;
  readonly noSecurity: string;
  readonly username: string;
}

/** The consent screen. */
export interface ConsentWords {
  readonly title: string;
  /** The app's stand-in name when its client has none. */
  readonly thisApp: string;
  readonly intro: (app: string, provider: string) => string;
  readonly nothing: string;
  readonly allow: string;
  readonly decline: string;
}

/** How long until the next attempt: seconds under a minute, else whole minutes (rounded up). */
export interface Wait {
  readonly unit: 'seconds' | 'minutes';
  readonly count: number;
}

/** The messages a page may show, by what went wrong (src/errors/page-problem.ts maps errors to them). */
export type PageMessage =
  | 'enterEmail'
  | 'chooseSecurity'
  | 'sslPort'
  | 'enterServer'
  | 'wrongCredentials'
  | 'checkDetails'
  | 'providerUnreachable'
  | 'unknownClient'
  | 'callbackNotRegistered'
  | 'formExpired'
  | 'badForm'
  | 'flowUnknown'
  | 'flowReplayed'
  | 'flowOtherProvider'
  | 'flowOtherBrowser'
  | 'noState'
  | 'noCode'
  | 'badProviderAnswer'
  | 'accessNotGranted'
  | 'providerFailed'
  | 'noProvider'
  | 'reauthRefused'
  | 'scopesNotGranted'
  | 'unavailable'
  | 'badRequest';
