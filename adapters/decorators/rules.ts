import type { ScopeArgument } from '../../src/scopes/scope-names.js';

/**
 * The decorators themselves: they only record what a method (or a class, as the default for its
 * methods) requires. Nothing is checked here; the bind step compiles each rule into the adapter's
 * guard, and the guard runs the core's check (ScopeGuard). TC39 standard decorators, so no
 * reflect-metadata and no `experimentalDecorators`.
 */

/** What one method requires. `public` skips authentication altogether. */
export type AccessRule =
  | { readonly kind: 'scopes'; readonly mode: 'any' | 'all'; readonly scopes: readonly string[] }
  | { readonly kind: 'public' };

/** Usable on a class (sets the default) and on a method (replaces the default for that method). */
export type AccessDecorator = (
  value: unknown,
  context: ClassDecoratorContext | ClassMethodDecoratorContext,
) => void;

/**
 * Keyed by the method function and by the class constructor. Decorator metadata
 * (`Symbol.metadata`) is not in Node 20, and transpilers polyfill it differently, so it is avoided.
 */
const methodRules = new WeakMap<object, AccessRule>();
const classRules = new WeakMap<object, AccessRule>();

function decorator(rule: AccessRule, label: string): AccessDecorator {
  return (value, context) => {
    if (typeof value !== 'function') throw new TypeError(`grantkit: @${label}() decorates classes and methods only`);
    if (context.kind === 'method' && context.static) {
      throw new TypeError(`grantkit: @${label}() on static method "${String(context.name)}": handlers are instance methods`);
    }
    const rules = context.kind === 'class' ? classRules : methodRules;
    // One decision per method (or class): two would leave the reader guessing which one wins.
    if (rules.has(value)) throw new TypeError(`grantkit: "${String(context.name)}" has two access decorators; keep one`);
    rules.set(value, rule);
  };
}

function scopesRule(mode: 'any' | 'all', scopes: readonly string[], label: string): AccessRule {
  if (scopes.length === 0) throw new TypeError(`grantkit: @${label}() needs at least one scope`);
  return Object.freeze({ kind: 'scopes', mode, scopes: Object.freeze([...scopes]) });
}

/**
 * Admits a grant that satisfies at least one of `scopes` (the hierarchy applies), as
 * `requireScopes(...)` does. On a class it is the default for every method without its own rule.
 */
export function RequireScopes<S extends string>(...scopes: ScopeArgument<S>[]): AccessDecorator {
  return decorator(scopesRule('any', scopes, 'RequireScopes'), 'RequireScopes');
}

/** Admits a grant that satisfies every one of `scopes`, as `requireAllScopes(...)` does. */
export function RequireAllScopes<S extends string>(...scopes: ScopeArgument<S>[]): AccessDecorator {
  return decorator(scopesRule('all', scopes, 'RequireAllScopes'), 'RequireAllScopes');
}

const PUBLIC: AccessRule = Object.freeze({ kind: 'public' });

/** Opts a method out of the class default: no token is asked for, and no grant is set. */
export function Public(): AccessDecorator {
  return decorator(PUBLIC, 'Public');
}

/**
 * The rule for a method: its own decorator, else the nearest class default up the inheritance
 * chain, else undefined (the method is not a guarded handler).
 */
export function ruleFor(method: object, ctor: object): AccessRule | undefined {
  const own = methodRules.get(method);
  if (own !== undefined) return own;
  for (let c: object | null = ctor; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c) as object | null) {
    const rule = classRules.get(c);
    if (rule !== undefined) return rule;
  }
  return undefined;
}

/** Every method name an instance has through its prototypes, nearest first, without duplicates. */
export function methodNames(instance: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(instance) as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d !== undefined && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}
