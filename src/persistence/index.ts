/**
 * The store contract, its errors and the built-in adapters. Each adapter also has its own
 * subpath (`campaign-lifecycle/sqlite`, `campaign-lifecycle/memory`); a driver is loaded only
 * when a store of that kind is opened.
 *
 * @module
 */
export {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type DueCampaign,
  type ChangeSource,
  type ListQuery,
  type StatusCount,
  type StoreSignal,
  type StoredCampaignRow,
  type StoredCampaigns,
  type TimerRecord,
  type TimerStats,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookStore,
  cursorOf,
  isCursor,
  parseCursor,
} from './CampaignStore.js';
export {
  deserializeStoreError,
  serializeStoreError,
  StoreConflictError,
  StoreDriverMissingError,
  StoreError,
  StoreFullError,
  StoreLockedError,
  StoreReadOnlyError,
  StoreUnavailableError,
  StoreVersionError,
  type SerializedStoreError,
} from './errors.js';
export { loadDriver, type Importer } from './loadDriver.js';
export { memoryStore } from './memory/memoryStore.js';
export { postgresStore } from './postgres/postgresStore.js';
export { readPostgresCampaigns } from './postgres/readPostgresCampaigns.js';
export { PostgresStoreOptions } from './postgres/PostgresOptions.js';
export { sqliteStore } from './sqlite/sqliteStore.js';
export { readSqliteCampaigns } from './sqlite/readSqliteCampaigns.js';
export { whenAvailable, type WhenAvailableOptions } from './whenAvailable.js';
export { SqliteStoreOptions } from './sqlite/SqliteStoreOptions.js';
