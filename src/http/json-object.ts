/**
 * Whether a value that came from outside (JSON.parse, a provider's JSON answer, a token response)
 * is an object whose fields can be read by name: not null, not an array, not a primitive. Every
 * field of such an object reads as `unknown`, so the narrowing claims nothing the value is not;
 * each field is still checked where it is used.
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
