/**
 * The PostgreSQL adapter (`campaign-lifecycle/postgres`): `pg` is loaded when a store is opened.
 *
 * @module
 */
export { postgresStore } from './postgresStore.js';
export { readPostgresCampaigns } from './readPostgresCampaigns.js';
export { PostgresStoreOptions, type PgClientLike, type PgPoolLike } from './PostgresOptions.js';
