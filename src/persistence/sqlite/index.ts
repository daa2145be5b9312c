/**
 * The SQLite adapter (`campaign-lifecycle/sqlite`): `better-sqlite3` is loaded when a store is opened.
 *
 * @module
 */
export { sqliteStore } from './sqliteStore.js';
export { readSqliteCampaigns } from './readSqliteCampaigns.js';
export { SqliteStoreOptions } from './SqliteStoreOptions.js';
