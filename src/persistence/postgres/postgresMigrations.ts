/**
 * Versioned schema of the PostgreSQL store. Append only: a released migration never changes.
 * `{schema}` is replaced by the store's (quoted) schema name.
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE {schema}.campaigns (
        id text PRIMARY KEY,
        preset text NOT NULL,
        status text NOT NULL,
        name text NOT NULL,
        version integer NOT NULL,
        snapshot text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        timers jsonb NOT NULL DEFAULT '[]',
        next_due_at bigint,
        -- the runtime instance that claimed the campaign's due timers, until when
        lease_owner text,
        lease_until bigint
      );
      CREATE INDEX campaigns_by_created ON {schema}.campaigns (created_at DESC, id DESC);
      CREATE INDEX campaigns_by_status ON {schema}.campaigns (status, created_at DESC, id DESC);
      CREATE INDEX campaigns_by_due ON {schema}.campaigns (next_due_at, id) WHERE next_due_at IS NOT NULL;
      CREATE INDEX campaigns_by_lease ON {schema}.campaigns (lease_until) WHERE lease_until IS NOT NULL;

      CREATE TABLE {schema}.history (
        seq bigint PRIMARY KEY,
        campaign_id text NOT NULL,
        version integer NOT NULL,
        at bigint NOT NULL,
        due_at bigint,
        event text NOT NULL,
        source text NOT NULL,
        from_status text,
        to_status text,
        command_id text,
        detail text
      );
      CREATE INDEX history_by_campaign ON {schema}.history (campaign_id, seq);

      CREATE TABLE {schema}.commands (
        command_id text PRIMARY KEY,
        campaign_id text NOT NULL,
        result text NOT NULL
      );

      CREATE TABLE {schema}.status_counts (
        preset text NOT NULL,
        status text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (preset, status)
      );

      -- the change feed's counter: taken last in every commit and held until it is durable, so
      -- sequence numbers become visible in order (no reader skips a change committed later)
      CREATE TABLE {schema}.feed (one boolean PRIMARY KEY DEFAULT true CHECK (one), last_seq bigint NOT NULL);
      INSERT INTO {schema}.feed VALUES (true, 0);

      CREATE FUNCTION {schema}.commit_writes(p_writes jsonb, p_channel text) RETURNS bigint[]
      LANGUAGE plpgsql AS $fn$
      DECLARE
        w jsonb;
        r jsonb;
        idx integer;
        affected integer;
        changes integer := 0;
        first_seq bigint;
        seqs bigint[];
        earliest bigint;
      BEGIN
        -- campaign rows in id order (then batch order): two batches never wait on each other in a cycle
        FOR w, idx IN
          SELECT x.value, (x.ordinality - 1)::integer FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
          ORDER BY x.value->>'campaignId', x.ordinality
        LOOP
          r := w->'record';
          IF (w->>'fromVersion')::integer = 0 THEN
            IF jsonb_typeof(r) IS DISTINCT FROM 'object' THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' does not exist');
            END IF;
            IF EXISTS (SELECT 1 FROM {schema}.history WHERE campaign_id = w->>'campaignId') THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign id ' || (w->>'campaignId') || ' was used before: ids are never reused');
            END IF;
            INSERT INTO {schema}.campaigns (id, preset, status, name, version, snapshot, created_at, updated_at, timers, next_due_at)
            VALUES (w->>'campaignId', r->>'preset', r->>'status', r->>'name', (r->>'version')::integer, r->>'snapshot',
                    (r->>'createdAt')::bigint, (r->>'updatedAt')::bigint, w->'timers', (w->>'nextDueAt')::bigint)
            ON CONFLICT (id) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' already exists');
            END IF;
          ELSIF jsonb_typeof(r) IS DISTINCT FROM 'object' THEN
            DELETE FROM {schema}.campaigns WHERE id = w->>'campaignId' AND version = (w->>'fromVersion')::integer;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' is not at version ' || (w->>'fromVersion'));
            END IF;
          ELSE
            UPDATE {schema}.campaigns
               SET status = r->>'status', name = r->>'name', version = (r->>'version')::integer, snapshot = r->>'snapshot',
                   updated_at = (r->>'updatedAt')::bigint, timers = w->'timers', next_due_at = (w->>'nextDueAt')::bigint,
                   lease_owner = NULL, lease_until = NULL
             WHERE id = w->>'campaignId' AND version = (w->>'fromVersion')::integer;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' is not at version ' || (w->>'fromVersion'));
            END IF;
          END IF;
          IF w ? 'idempotency' THEN
            INSERT INTO {schema}.commands (command_id, campaign_id, result)
            VALUES (w->'idempotency'->>'commandId', w->>'campaignId', w->'idempotency'->>'result')
            ON CONFLICT (command_id) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'commandId ' || (w->'idempotency'->>'commandId') || ' is already recorded');
            END IF;
          END IF;
          IF w->>'nextDueAt' IS NOT NULL AND (earliest IS NULL OR (w->>'nextDueAt')::bigint < earliest) THEN
            earliest := (w->>'nextDueAt')::bigint;
          END IF;
          IF jsonb_typeof(w->'change') = 'object' THEN changes := changes + 1; END IF;
        END LOOP;

        -- status counts, one row per (preset, status), in key order
        INSERT INTO {schema}.status_counts (preset, status, n)
        SELECT d.preset, d.status, sum(d.delta) FROM (
          SELECT x.value->>'preset' AS preset, x.value->'change'->>'from' AS status, -1 AS delta
            FROM jsonb_array_elements(p_writes) AS x
           WHERE jsonb_typeof(x.value->'change') = 'object' AND x.value->'change'->>'from' IS NOT NULL
             AND x.value->'change'->>'from' IS DISTINCT FROM x.value->'change'->>'to'
          UNION ALL
          SELECT x.value->>'preset', x.value->'change'->>'to', 1
            FROM jsonb_array_elements(p_writes) AS x
           WHERE jsonb_typeof(x.value->'change') = 'object' AND x.value->'change'->>'to' IS NOT NULL
             AND x.value->'change'->>'from' IS DISTINCT FROM x.value->'change'->>'to'
        ) AS d
        GROUP BY d.preset, d.status
        ORDER BY d.preset, d.status
        ON CONFLICT (preset, status) DO UPDATE SET n = {schema}.status_counts.n + excluded.n;

        seqs := array_fill(0::bigint, ARRAY[jsonb_array_length(p_writes)]);
        IF changes > 0 THEN
          UPDATE {schema}.feed SET last_seq = last_seq + changes RETURNING last_seq - changes INTO first_seq;
          WITH numbered AS (
            SELECT x.value AS w, x.ordinality AS ord,
                   first_seq + row_number() OVER (ORDER BY x.ordinality) AS seq
              FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
             WHERE jsonb_typeof(x.value->'change') = 'object'
          ), inserted AS (
            INSERT INTO {schema}.history (seq, campaign_id, version, at, due_at, event, source, from_status, to_status, command_id, detail)
            SELECT n.seq, n.w->>'campaignId', (n.w->'change'->>'version')::integer, (n.w->'change'->>'at')::bigint,
                   (n.w->'change'->>'dueAt')::bigint, n.w->'change'->>'event', n.w->'change'->>'source',
                   n.w->'change'->>'from', n.w->'change'->>'to', n.w->'change'->>'commandId', n.w->'change'->>'detail'
              FROM numbered AS n
            RETURNING 1
          )
          SELECT array_agg(COALESCE(n.seq, 0) ORDER BY x.ordinality) INTO seqs
            FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
            LEFT JOIN numbered AS n ON n.ord = x.ordinality;
        END IF;
        IF p_channel IS NOT NULL THEN
          PERFORM pg_notify(p_channel, json_build_object('lastSeq', first_seq + changes, 'nextDueAt', earliest)::text);
        END IF;
        RETURN seqs;
      END
      $fn$;

      CREATE FUNCTION {schema}.conflict(p_index integer, p_campaign text, p_message text) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = 'CL409', MESSAGE = json_build_object('index', p_index, 'campaignId', p_campaign, 'message', p_message)::text;
      END
      $fn$;
    `,
  },
  {
    // issue 12: the preset on every change (feed filters), durable consumers and webhooks;
    // commit_writes writes the preset into history
    version: 2,
    sql: `
      ALTER TABLE {schema}.history ADD COLUMN preset text;
      UPDATE {schema}.history AS h SET preset = c.preset FROM {schema}.campaigns AS c WHERE c.id = h.campaign_id;

      CREATE TABLE {schema}.consumers (
        name text PRIMARY KEY,
        cursor bigint NOT NULL,
        owner text,
        lease_until bigint,
        updated_at bigint NOT NULL
      );

      CREATE TABLE {schema}.parked (
        consumer text NOT NULL,
        seq bigint NOT NULL,
        campaign_id text NOT NULL,
        attempts integer NOT NULL,
        error text NOT NULL,
        parked_at bigint NOT NULL,
        retry boolean NOT NULL DEFAULT false,
        PRIMARY KEY (consumer, seq)
      );

      CREATE TABLE {schema}.webhook_endpoints (
        id text PRIMARY KEY,
        url text NOT NULL,
        events jsonb NOT NULL,
        presets jsonb NOT NULL,
        secret text NOT NULL,
        description text,
        created_at bigint NOT NULL
      );

      CREATE TABLE {schema}.webhook_deliveries (
        id bigserial PRIMARY KEY,
        endpoint_id text NOT NULL,
        seq bigint NOT NULL,
        attempt integer NOT NULL,
        at bigint NOT NULL,
        status integer,
        ok boolean NOT NULL,
        error text,
        next_attempt_at bigint
      );
      CREATE INDEX webhook_deliveries_by_endpoint ON {schema}.webhook_deliveries (endpoint_id, id);

      CREATE OR REPLACE FUNCTION {schema}.commit_writes(p_writes jsonb, p_channel text) RETURNS bigint[]
      LANGUAGE plpgsql AS $fn$
      DECLARE
        w jsonb;
        r jsonb;
        idx integer;
        affected integer;
        changes integer := 0;
        first_seq bigint;
        seqs bigint[];
        earliest bigint;
      BEGIN
        -- campaign rows in id order (then batch order): two batches never wait on each other in a cycle
        FOR w, idx IN
          SELECT x.value, (x.ordinality - 1)::integer FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
          ORDER BY x.value->>'campaignId', x.ordinality
        LOOP
          r := w->'record';
          IF (w->>'fromVersion')::integer = 0 THEN
            IF jsonb_typeof(r) IS DISTINCT FROM 'object' THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' does not exist');
            END IF;
            IF EXISTS (SELECT 1 FROM {schema}.history WHERE campaign_id = w->>'campaignId') THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign id ' || (w->>'campaignId') || ' was used before: ids are never reused');
            END IF;
            INSERT INTO {schema}.campaigns (id, preset, status, name, version, snapshot, created_at, updated_at, timers, next_due_at)
            VALUES (w->>'campaignId', r->>'preset', r->>'status', r->>'name', (r->>'version')::integer, r->>'snapshot',
                    (r->>'createdAt')::bigint, (r->>'updatedAt')::bigint, w->'timers', (w->>'nextDueAt')::bigint)
            ON CONFLICT (id) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' already exists');
            END IF;
          ELSIF jsonb_typeof(r) IS DISTINCT FROM 'object' THEN
            DELETE FROM {schema}.campaigns WHERE id = w->>'campaignId' AND version = (w->>'fromVersion')::integer;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' is not at version ' || (w->>'fromVersion'));
            END IF;
          ELSE
            UPDATE {schema}.campaigns
               SET status = r->>'status', name = r->>'name', version = (r->>'version')::integer, snapshot = r->>'snapshot',
                   updated_at = (r->>'updatedAt')::bigint, timers = w->'timers', next_due_at = (w->>'nextDueAt')::bigint,
                   lease_owner = NULL, lease_until = NULL
             WHERE id = w->>'campaignId' AND version = (w->>'fromVersion')::integer;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'campaign ' || (w->>'campaignId') || ' is not at version ' || (w->>'fromVersion'));
            END IF;
          END IF;
          IF w ? 'idempotency' THEN
            INSERT INTO {schema}.commands (command_id, campaign_id, result)
            VALUES (w->'idempotency'->>'commandId', w->>'campaignId', w->'idempotency'->>'result')
            ON CONFLICT (command_id) DO NOTHING;
            GET DIAGNOSTICS affected = ROW_COUNT;
            IF affected = 0 THEN
              PERFORM {schema}.conflict(idx, w->>'campaignId', 'commandId ' || (w->'idempotency'->>'commandId') || ' is already recorded');
            END IF;
          END IF;
          IF w->>'nextDueAt' IS NOT NULL AND (earliest IS NULL OR (w->>'nextDueAt')::bigint < earliest) THEN
            earliest := (w->>'nextDueAt')::bigint;
          END IF;
          IF jsonb_typeof(w->'change') = 'object' THEN changes := changes + 1; END IF;
        END LOOP;

        -- status counts, one row per (preset, status), in key order
        INSERT INTO {schema}.status_counts (preset, status, n)
        SELECT d.preset, d.status, sum(d.delta) FROM (
          SELECT x.value->>'preset' AS preset, x.value->'change'->>'from' AS status, -1 AS delta
            FROM jsonb_array_elements(p_writes) AS x
           WHERE jsonb_typeof(x.value->'change') = 'object' AND x.value->'change'->>'from' IS NOT NULL
             AND x.value->'change'->>'from' IS DISTINCT FROM x.value->'change'->>'to'
          UNION ALL
          SELECT x.value->>'preset', x.value->'change'->>'to', 1
            FROM jsonb_array_elements(p_writes) AS x
           WHERE jsonb_typeof(x.value->'change') = 'object' AND x.value->'change'->>'to' IS NOT NULL
             AND x.value->'change'->>'from' IS DISTINCT FROM x.value->'change'->>'to'
        ) AS d
        GROUP BY d.preset, d.status
        ORDER BY d.preset, d.status
        ON CONFLICT (preset, status) DO UPDATE SET n = {schema}.status_counts.n + excluded.n;

        seqs := array_fill(0::bigint, ARRAY[jsonb_array_length(p_writes)]);
        IF changes > 0 THEN
          UPDATE {schema}.feed SET last_seq = last_seq + changes RETURNING last_seq - changes INTO first_seq;
          WITH numbered AS (
            SELECT x.value AS w, x.ordinality AS ord,
                   first_seq + row_number() OVER (ORDER BY x.ordinality) AS seq
              FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
             WHERE jsonb_typeof(x.value->'change') = 'object'
          ), inserted AS (
            INSERT INTO {schema}.history (seq, campaign_id, version, at, due_at, event, source, from_status, to_status, command_id, detail, preset)
            SELECT n.seq, n.w->>'campaignId', (n.w->'change'->>'version')::integer, (n.w->'change'->>'at')::bigint,
                   (n.w->'change'->>'dueAt')::bigint, n.w->'change'->>'event', n.w->'change'->>'source',
                   n.w->'change'->>'from', n.w->'change'->>'to', n.w->'change'->>'commandId', n.w->'change'->>'detail',
                   n.w->>'preset'
              FROM numbered AS n
            RETURNING 1
          )
          SELECT array_agg(COALESCE(n.seq, 0) ORDER BY x.ordinality) INTO seqs
            FROM jsonb_array_elements(p_writes) WITH ORDINALITY AS x
            LEFT JOIN numbered AS n ON n.ord = x.ordinality;
        END IF;
        IF p_channel IS NOT NULL THEN
          PERFORM pg_notify(p_channel, json_build_object('lastSeq', first_seq + changes, 'nextDueAt', earliest)::text);
        END IF;
        RETURN seqs;
      END
      $fn$;

    `,
  },
];
