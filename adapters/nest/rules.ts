import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import type { ScopeArgument } from '../../src/scopes/scope-names.js';

/**
 * What a Nest handler requires, recorded with Nest's own SetMetadata so that the app's compiler
 * (experimentalDecorators) applies the decorators and GrantKitGuard reads them back through
 * Nest's Reflector. Nothing is checked here: the guard compiles each rule into a scope guard
 * the first time a request needs it.
 */

/** What one handler (or, on a class, each of its handlers without a rule of their own) requires. */
export type AccessRule =
  | { readonly kind: 'scopes'; readonly mode: 'any' | 'all'; readonly scopes: readonly string[] }
  | { readonly kind: 'public' };

/** The metadata key the rules are stored under. */
export const ACCESS_RULE = 'grantkit:access';

function scopesRule(mode: 'any' | 'all', scopes: readonly string[], label: string): AccessRule {
  if (scopes.length === 0) throw new TypeError(`grantkit: @${label}() needs at least one scope`);
  return Object.freeze({ kind: 'scopes', mode, scopes: Object.freeze([...scopes]) });
}

/**
 * Admits a grant that satisfies at least one of `scopes` (the hierarchy applies), as
 * `requireScopes(...)` does. On a controller it is the default for every handler without its own rule.
 */
export function RequireScopes<S extends string>(...scopes: ScopeArgument<S>[]): CustomDecorator<typeof ACCESS_RULE> {
  return SetMetadata(ACCESS_RULE, scopesRule('any', scopes, 'RequireScopes'));
}

/** Admits a grant that satisfies every one of `scopes`, as `requireAllScopes(...)` does. */
export function RequireAllScopes<S extends string>(...scopes: ScopeArgument<S>[]): CustomDecorator<typeof ACCESS_RULE> {
  return SetMetadata(ACCESS_RULE, scopesRule('all', scopes, 'RequireAllScopes'));
}

const PUBLIC: AccessRule = Object.freeze({ kind: 'public' });

/** Opts a handler (or a whole controller) out: no token is asked for, and no grant is set. */
export function Public(): CustomDecorator<typeof ACCESS_RULE> {
  return SetMetadata(ACCESS_RULE, PUBLIC);
}

/** Narrows what the Reflector found: metadata is untyped, and another library could reuse the key. */
export function isAccessRule(value: unknown): value is AccessRule {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return false;
  if (value.kind === 'public') return true;
  return (
    value.kind === 'scopes' &&
    'mode' in value &&
    (value.mode === 'any' || value.mode === 'all') &&
    'scopes' in value &&
    Array.isArray(value.scopes) &&
    value.scopes.every((s) => typeof s === 'string')
  );
}
