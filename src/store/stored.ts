import * as z from 'zod';

/**
 * What a store reads back from its backend (a row, a JSON value) is checked against the shape it
 * was written in, never trusted: a row edited by hand, a half-applied upgrade or another program
 * writing the same tables must not become a record the kit acts on. A value that does not parse is
 * a store error, which the kit answers as it answers a store that is down.
 */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Paths and expectations only: the values may be secrets (sealed settings, token data).
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
  throw new Error(`grantkit: a ${what} read back from the store does not parse (${problems})`);
}

/** JSON text (a column or a field that holds JSON), parsed and then checked against `schema`. */
export function jsonText<S extends z.ZodType>(schema: S) {
  return z.string().transform((text, ctx): z.output<S> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON' });
      return z.NEVER;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
}


/**
 * The JSON a code or flow record carries (`TokenRecord.data`), checked against the shape grantkit
 * wrote it in. Undefined when it is missing or does not parse: the caller answers as for a code it
 * does not know, since a record it cannot read stands for nothing it can honour.
 */
export function storedJson<T>(schema: z.ZodType<T>, data: string | null): T | undefined {
  if (data === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}
