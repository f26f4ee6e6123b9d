import * as z from 'zod';

/** The wire form of credentials. Data values are strings, as in a service account JSON. */
const data = z.record(z.string().max(128), z.string().max(16_384)).refine((d) => Object.keys(d).length <= 64, 'has too many fields');

export const credentialCreateBody = z.object({
  name: z.string().min(1).max(256),
  credential_type: z.enum(['serviceaccount', 'adminconsent', 'connector']),
  credential_data: data,
});

export const credentialUpdateBody = z.object({
  name: z.string().min(1).max(256).optional(),
  credential_data: data.optional(),
});
