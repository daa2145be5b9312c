export {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  type ChangeSource,
  type ListQuery,
  type StatusCount,
  type TimerRecord,
  type TimerStats,
  cursorOf,
  StoreConflictError,
  StoreError,
  StoreLockedError,
  StoreVersionError,
} from './CampaignStore.js';
export { memoryStore } from './memoryStore.js';
export { sqliteStore, type SqliteStoreOptions } from './sqliteStore.js';
