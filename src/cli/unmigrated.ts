/**
 * What to tell an operator whose store has not been migrated, read from the PostgreSQL error a
 * command hit, so they are told to run `migrate` rather than shown a driver's "relation does not
 * exist". Undefined for any other error.
 */
export function migrateHint(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return undefined;
  switch (error.code) {
    case '42P01': // undefined_table
    case '3F000': // invalid_schema_name
      return 'the store has no grantkit tables yet: run `npx grantkit migrate` first';
    case '42703': // undefined_column: tables from an earlier release
      return "the store's tables are from an earlier version of grantkit: run `npx grantkit migrate` first";
    default:
      return undefined;
  }
}

/** A command that needs the schema ran on a store without it. */
export class UnmigratedStoreError extends Error {
  override readonly name = 'UnmigratedStoreError';
}
