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
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX campaigns_by_status ON campaigns (status, created_at DESC, id DESC);
      CREATE INDEX campaigns_by_created ON campaigns (created_at DESC, id DESC);

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

      CREATE TABLE timers (
        campaign_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        timer TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, event_type)
      ) WITHOUT ROWID;
      CREATE INDEX timers_by_due ON timers (due_at, campaign_id);

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
  {
    // timers move into the campaign row (JSON + indexed next_due_at): a write touches one row
    // instead of a row plus a separate timer table and its index
    version: 2,
    sql: `
      CREATE TABLE campaigns_v2 (
        id TEXT PRIMARY KEY,
        preset TEXT NOT NULL,
        status TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        timers TEXT NOT NULL DEFAULT '[]',
        next_due_at INTEGER
      );
      INSERT INTO campaigns_v2
        SELECT c.id, c.preset, c.status, c.name, c.version, c.snapshot, c.created_at, c.updated_at,
          COALESCE((SELECT json_group_array(json_object('timer', t.timer, 'eventType', t.event_type, 'dueAt', t.due_at))
                    FROM (SELECT * FROM timers WHERE campaign_id = c.id ORDER BY due_at, event_type) AS t), '[]'),
          (SELECT MIN(due_at) FROM timers WHERE campaign_id = c.id)
        FROM campaigns AS c;
      DROP TABLE campaigns;
      DROP TABLE timers;
      ALTER TABLE campaigns_v2 RENAME TO campaigns;
      CREATE INDEX campaigns_by_status ON campaigns (status, created_at DESC, id DESC);
      CREATE INDEX campaigns_by_created ON campaigns (created_at DESC, id DESC);
      CREATE INDEX campaigns_by_due ON campaigns (next_due_at) WHERE next_due_at IS NOT NULL;
    `,
  },
  {
    // due timers are read in (next_due_at, id) order: the index gives that order without a sort
    version: 3,
    sql: `
      DROP INDEX campaigns_by_due;
      CREATE INDEX campaigns_by_due ON campaigns (next_due_at, id) WHERE next_due_at IS NOT NULL;
    `,
  },
  {
    // issue 12: the preset on every change (feed filters), durable consumers and webhooks
    version: 4,
    sql: `
      ALTER TABLE history ADD COLUMN preset TEXT;
      UPDATE history SET preset = (SELECT preset FROM campaigns WHERE campaigns.id = history.campaign_id);

      CREATE TABLE consumers (
        name TEXT PRIMARY KEY,
        cursor INTEGER NOT NULL,
        owner TEXT,
        lease_until INTEGER,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE parked (
        consumer TEXT NOT NULL,
        seq INTEGER NOT NULL,
        campaign_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        parked_at INTEGER NOT NULL,
        retry INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (consumer, seq)
      ) WITHOUT ROWID;

      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        presets TEXT NOT NULL,
        secret TEXT NOT NULL,
        description TEXT,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        status INTEGER,
        ok INTEGER NOT NULL,
        error TEXT,
        next_attempt_at INTEGER
      );
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
    `,
  },
];
