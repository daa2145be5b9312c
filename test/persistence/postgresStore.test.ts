import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type CampaignStore, type CampaignWrite, postgresStore, StoreConflictError, StoreError, StoreVersionError, ValidationError } from '../../src/index.js';
import { POSTGRES_MIGRATIONS } from '../../src/persistence/postgres/postgresMigrations.js';
import { dropSchema, freshSchema, PG_URL, SKIP_PG, sql } from '../support/postgres.js';
import { runStoreContract } from './storeContract.js';

const LATEST = POSTGRES_MIGRATIONS.at(-1)!.version;
const schemas: string[] = [];
afterAll(async () => {
  if (!SKIP_PG) for (const schema of schemas) await dropSchema(schema);
});

const store = (schema: string, extra: Record<string, unknown> = {}) => postgresStore({ connectionString: PG_URL, schema, ...extra });

if (!SKIP_PG) {
  runStoreContract('postgresStore', async () => {
    const schema = freshSchema('contract');
    schemas.push(schema);
    let current = store(schema);
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = store(schema);
        await current.open();
        return current;
      },
      cleanup: async () => {
        await current.close();
        await dropSchema(schema);
      },
      faults: {
        newerSchema: async () => {
          await current.close();
          await sql(`UPDATE "${schema}".meta SET value = $1 WHERE key = 'schema_version'`, [String(LATEST + 1)]);
        },
      },
    };
  });
}

const create = (id: string): CampaignWrite => ({
  campaignId: id,
  preset: 'discount',
  fromVersion: 0,
  record: { id, preset: 'discount', status: 'Draft', name: id, version: 1, snapshot: '{}', createdAt: 1, updatedAt: 1 },
  timers: [{ campaignId: id, timer: 'startAt', eventType: 'xstate.after.startAt.x', dueAt: 1_000 }],
  change: { campaignId: id, version: 1, at: 1, dueAt: null, event: 'CREATE', source: 'user', from: null, to: 'Draft', commandId: null, detail: null },
});

describe.skipIf(SKIP_PG)('postgresStore (adapter)', () => {
  const opened: CampaignStore[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });
  const open = async (schema: string, extra: Record<string, unknown> = {}) => {
    const s = store(schema, extra);
    opened.push(s);
    await s.open();
    return s;
  };

  it('N stores starting at once on an empty schema migrate it once', async () => {
    const schema = freshSchema('migrate');
    schemas.push(schema);
    await Promise.all(Array.from({ length: 6 }, () => open(schema)));
    const [row] = await sql<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
    expect(row?.value).toBe(String(LATEST));
    const [feed] = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".feed`);
    expect(feed?.n).toBe('1');
  });

  it('refuses a newer schema with StoreVersionError naming both versions', async () => {
    const schema = freshSchema('newer');
    schemas.push(schema);
    await (await open(schema)).close();
    await sql(`UPDATE "${schema}".meta SET value = $1 WHERE key = 'schema_version'`, [String(LATEST + 1)]);
    const error = await store(schema).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreVersionError);
    expect(error).toMatchObject({ found: LATEST + 1, supported: LATEST });
  });

  it('two stores (two runtimes) on one schema see each other’s writes; a stale write is a conflict', async () => {
    const schema = freshSchema('shared');
    schemas.push(schema);
    const [a, b] = [await open(schema), await open(schema)];
    await a.commit([create('x')]);
    expect(await b.get('x')).toMatchObject({ version: 1 });
    const error = await b.commit([create('x')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConflictError);
    expect(await b.lastSeq()).toBe(1);
  });

  it('claims due timers for one instance at a time, until its lease expires or a write releases it', async () => {
    const schema = freshSchema('lease');
    schemas.push(schema);
    const [a, b] = [await open(schema, { timerLeaseMs: 5_000 }), await open(schema, { timerLeaseMs: 5_000 })];
    await a.commit([create('c1'), create('c2')]);
    expect((await a.dueTimers(2_000, 10)).map((t) => t.campaignId)).toEqual(['c1', 'c2']);
    expect(await b.dueTimers(2_000, 10)).toEqual([]);
    expect(await b.nextDueAt()).toBe(7_000); // when a's claim expires
    expect((await a.dueTimers(2_000, 10)).length).toBe(2); // its own claims stay its own
    expect((await b.dueTimers(7_000, 10)).map((t) => t.campaignId)).toEqual(['c1', 'c2']); // expired: b takes over
    const record = (await b.get('c1'))!;
    await b.commit([{ ...create('c1'), fromVersion: 1, record: { ...record, version: 2 }, timers: [], change: null }]);
    expect((await a.dueTimers(10_000, 10)).map((t) => t.campaignId)).toEqual([]); // c2 is b's until 12 000, c1 has no timer left
    expect((await a.dueTimers(12_000, 10)).map((t) => t.campaignId)).toEqual(['c2']);
  });

  it('announces commits to other instances (NOTIFY), with the poll as safety net', async () => {
    const schema = freshSchema('notify');
    schemas.push(schema);
    const [a, b] = [await open(schema, { pollMs: 60_000 }), await open(schema, { pollMs: 60_000 })];
    const signals: { lastSeq: number | null; nextDueAt: number | null }[] = [];
    const stop = b.watch!((s) => signals.push(s));
    await new Promise((r) => setTimeout(r, 200));
    await a.commit([create('n1')]);
    await expect.poll(() => signals.at(-1)).toEqual({ lastSeq: 1, nextDueAt: 1_000 });
    stop();
  });

  it('runs on a pg Pool of the host’s own, which it leaves open; its statements are prepared once per connection', async () => {
    const schema = freshSchema('pool');
    schemas.push(schema);
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 }); // one connection: the statements below share its session
    try {
      const s = postgresStore({ pool, schema });
      await s.open();
      await s.commit([create('p1')]);
      for (let i = 0; i < 5; i++) expect((await s.get('p1'))?.version).toBe(1);
      const prepared = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%FROM "${schema}".campaigns WHERE id = $1%'`);
      expect(Number(prepared.rows[0]!.n)).toBe(1); // prepared once, used five times
      await s.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('a connection the server ends in the middle of a transaction fails that call with a typed error, not the process', async () => {
    const schema = freshSchema('terminated');
    schemas.push(schema);
    const s = await open(schema);
    await s.leaseConsumer('sync', 'A', 0, Number.MAX_SAFE_INTEGER, 0);
    // another session holds the consumer's row: the store's transaction waits on it, in the middle
    const holder = new pg.Client({ connectionString: PG_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT * FROM "${schema}".consumers WHERE name = 'sync' FOR UPDATE`);
    const saving = s.saveConsumer('sync', 'A', { cursor: 3, park: [{ seq: 2, campaignId: 'c', attempts: 1, error: 'x', parkedAt: 0 }] });
    const outcome = saving.then(() => 'saved', (error: unknown) => error);
    let waiting: { pid: number }[] = [];
    for (let i = 0; i < 200 && waiting.length === 0; i++) {
      waiting = await sql<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%${schema}%'`);
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(waiting).toHaveLength(1);
    await sql('SELECT pg_terminate_backend($1)', [waiting[0]!.pid]); // as a server restart does
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await outcome).toBeInstanceOf(StoreError);
    expect(await s.saveConsumer('sync', 'A', { cursor: 3 })).toBe(true); // the pool goes on with a fresh connection
  });

  it('refuses options out of bounds', () => {
    for (const options of [{}, { connectionString: PG_URL, schema: 'Bad-Name' }, { connectionString: PG_URL, timerLeaseMs: 1 }, { connectionString: PG_URL, pool: {} }]) {
      expect(() => postgresStore(options as never), JSON.stringify(options)).toThrow(ValidationError);
    }
  });
});
