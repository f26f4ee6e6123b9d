import pg from 'pg';

/** The test server: CI provides it; elsewhere the suites skip when it is not there. */
export const postgresUrl = process.env['GRANTKIT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A skip reason when PostgreSQL is unreachable, or false to run. In CI it always runs, so a
 * missing server fails the suite instead of silently skipping it.
 */
export async function probePostgres(): Promise<string | false> {
  if (process.env['CI']) return false;
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return false;
  } catch (err) {
    return `PostgreSQL not reachable at ${new URL(postgresUrl).host} (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}
