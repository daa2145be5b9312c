import { parseInput } from '../../machines/ValidationError.js';
import type { CampaignStore } from '../CampaignStore.js';
import { PgCampaignStore } from './PgCampaignStore.js';
import { PostgresStoreOptions } from './PostgresOptions.js';

/**
 * The scale-out store: any number of runtimes (processes) on one PostgreSQL database. `pg` is
 * loaded when the store is opened (an optional peer dependency: `StoreDriverMissingError` when it
 * is not installed). Tables live in `schema` (default `campaign_lifecycle`), migrated under an
 * advisory lock.
 *
 * @example
 * ```ts
 * const rt = await createCampaignRuntime({ store: postgresStore({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export function postgresStore(input: PostgresStoreOptions): CampaignStore {
  const options = parseInput(PostgresStoreOptions, input, 'postgresStore options');
  return new PgCampaignStore({ ...options, schema: options.schema ?? 'campaign_lifecycle' });
}
