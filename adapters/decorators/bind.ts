import { methodNames, ruleFor, type AccessRule } from './rules.js';

/** A controller method as the framework calls it. */
export type Method = (...args: never[]) => unknown;

/** The methods of a controller, each turned into one framework handler. */
export type Handlers<T, H> = { readonly [K in keyof T as T[K] extends Method ? K : never]: H };

/**
 * Builds one handler per decided method, once, at start-up. A method with no rule (no decorator,
 * no class default) is not a handler: reading it throws, so routing an unguarded method fails at
 * start-up instead of serving it open by accident.
 */
export function bindMethods<T extends object, H>(
  instance: T,
  make: (rule: AccessRule, method: (...args: unknown[]) => unknown, name: string) => H,
): Handlers<T, H> {
  const out: Record<string, H> = {};
  const ctor = (instance as { constructor: object }).constructor;
  for (const name of methodNames(instance)) {
    const method = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    const rule = ruleFor(method, ctor);
    if (rule !== undefined) {
      out[name] = make(rule, method.bind(instance), name);
      continue;
    }
    Object.defineProperty(out, name, {
      enumerable: false,
      get() {
        throw new TypeError(
          `grantkit: ${String((ctor as { name?: unknown }).name)}.${name} has no access rule; ` +
            'add @RequireScopes(), @RequireAllScopes() or @Public(), or a class default',
        );
      },
    });
  }
  return Object.freeze(out) as Handlers<T, H>;
}
