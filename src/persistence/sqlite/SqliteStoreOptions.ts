/** Options of `sqliteStore`. */
export interface SqliteStoreOptions {
  /** Database file (created with its directory). Default `./data/campaigns.db`. */
  path?: string;
  /** `FULL` (default) makes every acknowledged commit survive power loss; `NORMAL` survives process crashes only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Page cache size in MiB (default 32). */
  cacheMiB?: number;
  /**
   * WAL pages before an automatic checkpoint (default 1000, SQLite's). Larger windows rewrite hot
   * pages into the database file less often, at the price of longer, rarer checkpoints.
   */
  checkpointPages?: number;
  /**
   * Run SQLite on a worker thread (default false): commits then overlap the runtime's work on
   * the main thread, which raises throughput under concurrent load; each call costs a message.
   */
  thread?: boolean;
}
