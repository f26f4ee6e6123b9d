import type * as z from 'zod';
import { GrantKitError } from '../errors/error.js';

/**
 * Validates input with a zod schema; the first problem becomes a 400 that names the field.
 * Values are never echoed, so a secret in a wrong place does not come back in the error.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  throw new GrantKitError('invalid_request', missing ? `"${field}" is required.` : `"${field}" is invalid: ${issue.message}.`);
}
