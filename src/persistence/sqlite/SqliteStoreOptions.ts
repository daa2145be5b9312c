import { z } from 'zod';

/** Options of `sqliteStore`; every one is checked when the store is made. */
export const SqliteStoreOptions = z.strictObject({
  /** Database file (created with its directory). Default `./data/campaigns.db`. */
  path: z.string().trim().min(1).max(4096).optional(),
  /** `FULL` (default) makes every acknowledged commit survive power loss; `NORMAL` survives process crashes only. */
  synchronous: z.enum(['FULL', 'NORMAL']).optional(),
  /** Page cache size in MiB (default 32). */
  cacheMiB: z.number().int().min(1).max(16_384).optional(),
  /**
   * WAL pages before an automatic checkpoint (default 10,000: a WAL of up to ~40 MB). A hot page
   * written by many commits is copied back into the database file once per window, so a larger
   * window costs less per write (measured: 1,000 → 10,000 pages, +30 % writes/s) at the price
   * of longer, rarer checkpoints and a larger WAL to replay after a crash.
   */
  checkpointPages: z.number().int().min(1).max(10_000_000).optional(),
  /**
   * Largest size of the database file in MiB (default: no limit but the disk's). Past it, writes
   * fail with `StoreFullError` as on a full disk, and succeed again once the limit is raised.
   */
  maxSizeMiB: z.number().int().min(1).max(16_777_216).optional(),
  /**
   * Run SQLite on a worker thread (default false): commits then overlap the runtime's work on
   * the main thread, which raises throughput under concurrent load; each call costs a message.
   */
  thread: z.boolean().optional(),
});
export type SqliteStoreOptions = z.input<typeof SqliteStoreOptions>;
