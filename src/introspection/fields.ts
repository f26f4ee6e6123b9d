/**
 * Reading a framework's own objects (an app's router, its layers) without importing the framework:
 * a property of anything, undefined where there is none. The stack readers in adapters/ use it.
 */
export function field(value: unknown, key: string): unknown {
  return (typeof value === 'object' || typeof value === 'function') && value !== null ? Reflect.get(value, key) : undefined;
}

/** A property that should be an array, or an empty one. */
export function arrayField(value: unknown, key: string): readonly unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : [];
}
