import type { V2Scope } from './catalog.js';
import type { GoogleScope } from './provider-google.js';
import type { MicrosoftScope } from './provider-microsoft.js';

/**
 * Every scope name a guard may require: the Nylas scopes, and the Google and Microsoft Graph
 * scopes the scope graph knows. A guard naming anything else fails when it is made; this type lets
 * the compiler find the same mistake first.
 */
export type KnownScope = V2Scope | GoogleScope | MicrosoftScope;

/**
 * What a guard's scope argument is checked against. A string literal must be a KnownScope, so
 * `requireScopes('email.readonly')` does not compile and the error names the known scopes. A value
 * typed `string` (a list an app builds at run time) passes, and is checked when the guard is made.
 * (A union with `string` would accept every literal, typos included; this conditional does not.)
 */
export type ScopeArgument<S extends string> = string extends S ? S : S extends KnownScope ? S : KnownScope;
