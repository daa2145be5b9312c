/**
 * Postgres for tests: the server the machines run (trust auth, database `test`), one fresh schema
 * per store, dropped afterwards. CI must run these tests; elsewhere, without a server, they skip loudly.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const PG_AVAILABLE = await reachable();
export const SKIP_PG = !PG_AVAILABLE && !process.env['CI'];
if (SKIP_PG) console.warn(`Skipping the PostgreSQL tests: no server answers at ${PG_URL} (set TEST_DATABASE_URL)`);

/** A schema name no other test uses. */
export const freshSchema = (prefix = 't') => `${prefix}_${randomBytes(6).toString('hex')}`;

/** Runs SQL with a short-lived client (setup and checks in tests). */
export async function sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

export const dropSchema = (schema: string) => sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
