/** Versioned schema of the SQLite store. Append only: a released migration never changes. */
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        preset TEXT NOT NULL,
        status TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        -- the campaign's pending timers (JSON [{ timer, eventType, dueAt }]) and the earliest due
        -- instant: kept in the row so a write touches no separate timer table and index
        timers TEXT NOT NULL DEFAULT '[]',
        next_due_at INTEGER
      );
      CREATE INDEX campaigns_by_status ON campaigns (status, created_at DESC, id DESC);
      CREATE INDEX campaigns_by_created ON campaigns (created_at DESC, id DESC);
      CREATE INDEX campaigns_by_due ON campaigns (next_due_at) WHERE next_due_at IS NOT NULL;

      CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        campaign_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        at INTEGER NOT NULL,
        due_at INTEGER,
        event TEXT NOT NULL,
        source TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        command_id TEXT,
        detail TEXT
      );
      CREATE INDEX history_by_campaign ON history (campaign_id, seq);

      CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        result TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE status_counts (
        preset TEXT NOT NULL,
        status TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (preset, status)
      ) WITHOUT ROWID;
    `,
  },
];
