import type { CampaignStore } from '../CampaignStore.js';
import { InlineSqliteStore } from './InlineSqliteStore.js';
import { parseInput } from '../../machines/ValidationError.js';
import { SqliteStoreOptions } from './SqliteStoreOptions.js';
import { ThreadedSqliteStore } from './ThreadedSqliteStore.js';

/**
 * The embedded default store: one SQLite file (better-sqlite3, WAL, `synchronous=FULL`).
 * The file is locked exclusively while open: a second runtime opening it is refused with
 * `StoreLockedError`; the lock dies with the process. `better-sqlite3` is loaded when the store
 * is opened (an optional peer dependency: `StoreDriverMissingError` when it is not installed).
 *
 * @example
 * ```ts
 * const rt = await createCampaignRuntime({ store: sqliteStore({ path: './data/campaigns.db' }) });
 * ```
 */
export function sqliteStore(input: SqliteStoreOptions = {}): CampaignStore {
  const options = parseInput(SqliteStoreOptions, input, 'sqliteStore options');
  return options.thread ? new ThreadedSqliteStore(options) : new InlineSqliteStore(options);
}
