import type pg from 'pg';
import { z } from 'zod';
import { parseInput } from '../../machines/ValidationError.js';
import type { StoredCampaignRow, StoredCampaigns } from '../CampaignStore.js';
import { StoreUnavailableError } from '../errors.js';
import { loadDriver } from '../loadDriver.js';
import { POSTGRES_MIGRATIONS } from './postgresMigrations.js';
import { PostgresStoreOptions, redactedUrl } from './PostgresOptions.js';
import { postgresError } from './postgresErrors.js';

const ReadOptions = z.strictObject({
  connectionString: z.string().trim().min(1).max(4096),
  schema: PostgresStoreOptions.shape.schema,
  /** Rows per round trip (default 1,000). */
  pageSize: z.number().int().min(1).max(100_000).optional(),
});

/**
 * The campaigns of a PostgreSQL store, read in one `READ ONLY` transaction (a consistent
 * snapshot of the schema, pages of rows in id order): nothing is migrated, locked or written.
 */
export async function readPostgresCampaigns(input: z.input<typeof ReadOptions>): Promise<StoredCampaigns> {
  const options = parseInput(ReadOptions, input, 'readPostgresCampaigns options');
  const schema = options.schema ?? 'campaign_lifecycle';
  const location = `${redactedUrl(options.connectionString)} (schema ${schema})`;
  const driver = await loadDriver<typeof pg>('readPostgresCampaigns', 'pg');
  const client = new driver.Client({ connectionString: options.connectionString });
  client.on('error', () => {}); // a lost connection fails the next query, which says so
  const s = `"${schema}"`;
  let schemaVersion: number;
  try {
    await client.connect();
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const found = await client.query<{ meta: string | null; campaigns: string | null }>('SELECT to_regclass($1) AS meta, to_regclass($2) AS campaigns', [`${s}.meta`, `${s}.campaigns`]);
    if (!found.rows[0]?.meta || !found.rows[0].campaigns) throw new StoreUnavailableError(location, 'no campaign store in this schema');
    schemaVersion = Number((await client.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`)).rows[0]?.value ?? 0);
  } catch (error) {
    await client.end().catch(() => {});
    throw postgresError(error, location);
  }
  const pageSize = options.pageSize ?? 1_000;
  return {
    location,
    schemaVersion,
    latestSchemaVersion: POSTGRES_MIGRATIONS.at(-1)!.version,
    async *rows() {
      let after: string | null = null;
      for (;;) {
        let page: StoredCampaignRow[];
        try {
          page = (
            await client.query<StoredCampaignRow>(
              `SELECT id, preset, status, snapshot FROM ${s}.campaigns WHERE $1::text IS NULL OR id > $1 ORDER BY id LIMIT $2`,
              [after, pageSize],
            )
          ).rows;
        } catch (error) {
          throw postgresError(error, location);
        }
        yield* page;
        if (page.length < pageSize) return;
        after = page.at(-1)!.id;
      }
    },
    async close() {
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
