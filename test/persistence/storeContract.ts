import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CampaignRecord,
  type CampaignStore,
  type CampaignWrite,
  type Change,
  cursorOf,
  type StatusCount,
  StoreConflictError,
  type TimerRecord,
  StoreLockedError,
  StoreVersionError,
} from '../../src/persistence/index.js';

export interface StoreHarness {
  /** A store not opened yet. */
  store: CampaignStore;
  /** Closes the store and resolves with an opened store on the same data. */
  reopen: () => Promise<CampaignStore>;
  /** Closes whatever is open and removes the data. */
  cleanup: () => Promise<void>;
  /** How to provoke the store errors an adapter can have beside conflicts (memory has neither schema nor lock). */
  faults?: {
    /** Closes the store and marks its data with a schema newer than the adapter knows. */
    newerSchema: () => Promise<void>;
    /** Another store of the same adapter on the same data (a second runtime) — for adapters that take a lock. */
    second?: () => CampaignStore;
  };
}

const T0 = Date.UTC(2030, 0, 1);
const ALL = 1_000_000;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;

type TimerSpec = readonly [eventType: string, dueAt: number];

interface WriteSpec {
  id: string;
  /** `fromVersion`. */
  from: number;
  /** Status after the write; `null` deletes. */
  status: string | null;
  /** Status before the write (default: `null` on create, else unchanged). */
  was?: string | null;
  preset?: string;
  createdAt?: number;
  at?: number;
  timers?: readonly TimerSpec[];
  /** `false`: a timers-only repair at the same version. */
  change?: boolean;
  event?: string;
  fired?: TimerSpec;
  commandId?: string;
}

const timer = (campaignId: string, [eventType, dueAt]: TimerSpec): TimerRecord => ({
  campaignId,
  timer: `timer:${eventType}`,
  eventType,
  dueAt,
});

function write(spec: WriteSpec): CampaignWrite {
  const preset = spec.preset ?? 'email';
  const createdAt = spec.createdAt ?? T0;
  const at = spec.at ?? createdAt + spec.from * 1000;
  const withChange = spec.change ?? true;
  const version = withChange ? spec.from + 1 : spec.from;
  const was = spec.was !== undefined ? spec.was : spec.from === 0 ? null : spec.status;
  const record: CampaignRecord | null =
    spec.status === null
      ? null
      : {
          id: spec.id,
          preset,
          status: spec.status,
          name: `Campaign ${spec.id}`,
          version,
          snapshot: JSON.stringify({ id: spec.id, version }),
          createdAt,
          updatedAt: at,
        };
  return {
    campaignId: spec.id,
    preset,
    fromVersion: spec.from,
    record,
    timers: (spec.timers ?? []).map((t) => timer(spec.id, t)),
    change: withChange
      ? {
          campaignId: spec.id,
          version,
          at,
          dueAt: spec.fired?.[1] ?? null,
          event: spec.event ?? (spec.from === 0 ? 'CREATE' : spec.status === null ? 'DELETE' : 'UPDATE'),
          source: spec.fired ? 'timer' : 'user',
          from: was,
          to: spec.status,
          commandId: spec.commandId ?? null,
          detail: spec.status === null ? null : JSON.stringify({ version }),
        }
      : null,
    ...(spec.commandId ? { idempotency: { commandId: spec.commandId, result: `result of ${spec.commandId}` } } : {}),
  };
}

const create = (id: string, extra: Omit<WriteSpec, 'id' | 'from' | 'status'> & { status?: string } = {}): CampaignWrite =>
  write({ status: 'draft', ...extra, id, from: 0 });

async function rejection(promise: Promise<unknown>): Promise<StoreConflictError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  return error as StoreConflictError;
}

const byPresetStatus = (a: StatusCount, b: StatusCount) =>
  a.preset.localeCompare(b.preset) || a.status.localeCompare(b.status);

async function countsOf(store: CampaignStore, query?: { preset?: string }): Promise<StatusCount[]> {
  return (await store.counts(query)).filter((c) => c.count !== 0).sort(byPresetStatus);
}

/** Everything a store holds, read without side effects (a shared store's `dueTimers` claims what it returns). */
async function dump(store: CampaignStore) {
  const records = await store.list();
  return {
    lastSeq: await store.lastSeq(),
    records,
    changes: await store.changes(0, ALL),
    timers: (await Promise.all(records.map((r) => store.timers(r.id)))).flat(),
    counts: await countsOf(store),
  };
}

const seqs = (changes: readonly Change[]) => changes.map((c) => c.seq);
const ids = (records: readonly CampaignRecord[]) => records.map((r) => r.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function runStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(name, () => {
    let harness: StoreHarness;
    let store: CampaignStore;

    beforeEach(async () => {
      harness = await setup();
      store = harness.store;
      await store.open();
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    const reopen = async () => {
      store = await harness.reopen();
      return store;
    };

    describe('lifecycle', () => {
      it('open and close are idempotent', async () => {
        await store.open();
        await store.commit([create('a')]);
        await store.close();
        await store.close();
        await store.open();
        await store.open();
        expect((await store.get('a'))?.version).toBe(1);
        expect(await store.lastSeq()).toBe(1);
      });

      it('starts empty', async () => {
        expect(await dump(store)).toEqual({ lastSeq: 0, records: [], changes: [], timers: [], counts: [] });
        expect(await store.timerStats(T0)).toEqual({ pending: 0, overdue: 0, oldestOverdue: null, nextDueAt: null });
        expect(await store.commit([])).toEqual([]);
      });
    });

    describe('commit', () => {
      it('creates a campaign (fromVersion 0) that get returns', async () => {
        const w = create('a', { preset: 'sms', status: 'scheduled', createdAt: T0 + 5 });
        expect(await store.commit([w])).toEqual([1]);
        expect(await store.get('a')).toEqual(w.record);
        expect(await store.get('missing')).toBeNull();
        expect(await store.lastSeq()).toBe(1);
        expect(await store.history('a')).toEqual([{ ...w.change, preset: 'sms', seq: 1 }]);
      });

      it('updates with the current fromVersion', async () => {
        await store.commit([create('a')]);
        const update = write({ id: 'a', from: 1, status: 'scheduled', was: 'draft' });
        expect(await store.commit([update])).toEqual([2]);
        const stored = await store.get('a');
        expect(stored).toEqual(update.record);
        expect(stored).toMatchObject({ version: 2, status: 'scheduled', createdAt: T0, updatedAt: T0 + 1000 });
      });

      it('rejects a stale fromVersion and writes nothing of the batch', async () => {
        await store.commit([create('a', { timers: [['START', T0 + 100]] }), create('b')]);
        const before = await dump(store);
        const error = await rejection(
          store.commit([
            write({ id: 'a', from: 1, status: 'scheduled', was: 'draft', timers: [['END', T0 + 200]], commandId: 'cmd-1' }),
            create('c'),
            write({ id: 'b', from: 5, status: 'scheduled', was: 'draft' }),
          ]),
        );
        expect(error).toMatchObject({ index: 2, campaignId: 'b' });
        expect(await dump(store)).toEqual(before);
        expect(await store.get('c')).toBeNull();
        expect(await store.timers('a')).toEqual([timer('a', ['START', T0 + 100])]);
        expect(await store.idempotency('cmd-1')).toBeNull();
        expect(await store.lastSeq()).toBe(2);
      });

      it('rejects a fromVersion behind the stored version', async () => {
        await store.commit([create('a')]);
        await store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft' })]);
        const error = await rejection(store.commit([write({ id: 'a', from: 1, status: 'live', was: 'draft' })]));
        expect(error).toMatchObject({ index: 0, campaignId: 'a' });
        expect(await store.get('a')).toMatchObject({ version: 2, status: 'scheduled' });
      });

      it('rejects creating an existing id, also within one batch', async () => {
        await store.commit([create('a')]);
        const before = await dump(store);
        expect(await rejection(store.commit([create('c'), create('a')]))).toMatchObject({ index: 1, campaignId: 'a' });
        expect(await rejection(store.commit([create('d'), create('d')]))).toMatchObject({ index: 1, campaignId: 'd' });
        expect(await dump(store)).toEqual(before);
      });

      it('rejects an update of a campaign that does not exist', async () => {
        const error = await rejection(store.commit([write({ id: 'ghost', from: 1, status: 'live', was: 'draft' })]));
        expect(error).toMatchObject({ index: 0, campaignId: 'ghost' });
        expect(await store.get('ghost')).toBeNull();
        expect(await store.lastSeq()).toBe(0);
      });

      it('deletes (record null) and keeps the history', async () => {
        await store.commit([create('a', { timers: [['START', T0 + 100]] }), create('b')]);
        await store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft', timers: [['START', T0 + 100]] })]);
        expect(await store.commit([write({ id: 'a', from: 2, status: null, was: 'scheduled' })])).toEqual([4]);
        expect(await store.get('a')).toBeNull();
        expect(ids(await store.list())).toEqual(['b']);
        expect(await store.timers('a')).toEqual([]);
        const history = await store.history('a');
        expect(history.map((c) => [c.seq, c.version, c.event, c.from, c.to])).toEqual([
          [1, 1, 'CREATE', null, 'draft'],
          [3, 2, 'UPDATE', 'draft', 'scheduled'],
          [4, 3, 'DELETE', 'scheduled', null],
        ]);
      });

      it('rejects a delete at a stale version', async () => {
        await store.commit([create('a')]);
        const error = await rejection(store.commit([write({ id: 'a', from: 2, status: null, was: 'draft' })]));
        expect(error).toMatchObject({ index: 0, campaignId: 'a' });
        expect(await store.get('a')).toMatchObject({ version: 1 });
      });

      it('refuses to create a campaign under the id of a deleted one (ids are never reused); its history stays whole', async () => {
        await store.commit([create('a')]);
        await store.commit([write({ id: 'a', from: 1, status: null, was: 'draft' })]);
        const error = await rejection(store.commit([create('b'), create('a', { status: 'scheduled' })]));
        expect(error).toMatchObject({ index: 1, campaignId: 'a' });
        expect(await store.get('a')).toBeNull();
        expect(await store.get('b')).toBeNull();
        expect(seqs(await store.history('a'))).toEqual([1, 2]);
      });

      it('applies several writes to one campaign in batch order', async () => {
        await store.commit([create('other')]);
        const batch = [
          create('a', { timers: [['START', T0 + 100]] }),
          write({ id: 'a', from: 1, status: 'scheduled', was: 'draft', timers: [['START', T0 + 100], ['END', T0 + 300]] }),
          write({ id: 'a', from: 2, status: 'live', was: 'scheduled', timers: [['END', T0 + 300]], fired: ['START', T0 + 100] }),
        ];
        expect(await store.commit(batch)).toEqual([2, 3, 4]);
        expect(await store.get('a')).toEqual(batch[2]!.record);
        expect((await store.history('a')).map((c) => [c.seq, c.version, c.to])).toEqual([
          [2, 1, 'draft'],
          [3, 2, 'scheduled'],
          [4, 3, 'live'],
        ]);
        expect(await store.timers('a')).toEqual([timer('a', ['END', T0 + 300])]);
      });

      it('rejects a batch whose writes to one campaign are out of order', async () => {
        const error = await rejection(
          store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft' }), create('a')]),
        );
        expect(error).toMatchObject({ index: 0, campaignId: 'a' });
        expect(await dump(store)).toMatchObject({ lastSeq: 0, records: [] });
      });

      it('does not share objects with callers', async () => {
        const w = create('a', { timers: [['START', T0 + 100]] });
        await store.commit([w]);
        const copy = structuredClone(w.record);
        (w.record as CampaignRecord).status = 'mutated';
        (w.timers[0] as TimerRecord).dueAt = 0;
        expect(await store.get('a')).toEqual(copy);
        const read = (await store.get('a'))!;
        read.status = 'mutated';
        (await store.history('a'))[0]!.event = 'mutated';
        expect(await store.get('a')).toEqual(copy);
        expect((await store.history('a'))[0]!.event).toBe('CREATE');
        expect(await store.timers('a')).toEqual([timer('a', ['START', T0 + 100])]);
      });
    });

    describe('durable consumers', () => {
      it('leases a consumer to one owner at a time; a renewal extends it, an expired lease passes to another', async () => {
        const first = await store.leaseConsumer('sync', 'A', T0, T0 + 1_000, 0);
        expect(first).toMatchObject({ name: 'sync', cursor: 0, owner: 'A', leaseUntil: T0 + 1_000 });
        expect(await store.leaseConsumer('sync', 'B', T0 + 500, T0 + 1_500, 0)).toBeNull();
        expect(await store.leaseConsumer('sync', 'A', T0 + 500, T0 + 1_500, 0)).toMatchObject({ owner: 'A', leaseUntil: T0 + 1_500 });
        expect(await store.leaseConsumer('sync', 'B', T0 + 1_500, T0 + 2_500, 0)).toMatchObject({ owner: 'B', cursor: 0 });
        expect(await store.leaseConsumer('later', 'A', T0, T0 + 1_000, 42)).toMatchObject({ cursor: 42 }); // created where asked
      });

      it('moves the cursor forward only for the holder, parks and unparks changes atomically, and releases on request', async () => {
        await store.leaseConsumer('sync', 'A', T0, T0 + 1_000, 0);
        expect(await store.saveConsumer('sync', 'B', { cursor: 5 })).toBe(false);
        expect(
          await store.saveConsumer('sync', 'A', { cursor: 5, park: [{ seq: 3, campaignId: 'a', attempts: 8, error: 'HTTP 500', parkedAt: T0 + 10 }] }),
        ).toBe(true);
        expect(await store.saveConsumer('sync', 'A', { cursor: 4 })).toBe(true); // never moved back
        expect(await store.consumers()).toEqual([{ name: 'sync', cursor: 5, owner: 'A', leaseUntil: T0 + 1_000, updatedAt: T0, parked: 1 }]);
        expect(await store.parkedChanges('sync')).toEqual([{ consumer: 'sync', seq: 3, campaignId: 'a', attempts: 8, error: 'HTTP 500', parkedAt: T0 + 10, retry: false }]);
        expect(await store.parkedChanges('sync', { retry: true })).toEqual([]);
        expect(await store.retryParked('sync', 3)).toBe(true);
        expect(await store.retryParked('sync', 4)).toBe(false);
        expect((await store.parkedChanges('sync', { retry: true })).map((p) => p.seq)).toEqual([3]);
        await store.saveConsumer('sync', 'A', { cursor: 6, unpark: [3], release: true });
        expect(await store.parkedChanges('sync')).toEqual([]);
        expect(await store.consumers()).toMatchObject([{ cursor: 6, owner: null, leaseUntil: null, parked: 0 }]);
        expect(await store.leaseConsumer('sync', 'B', T0 + 1, T0 + 1_000, 0)).toMatchObject({ owner: 'B', cursor: 6 }); // free at once
      });

      it('forgets a consumer with its parked changes; another keeps its own', async () => {
        await store.leaseConsumer('sync', 'A', T0, T0 + 1_000, 0);
        await store.leaseConsumer('other', 'A', T0, T0 + 1_000, 0);
        await store.saveConsumer('sync', 'A', { cursor: 5, park: [{ seq: 3, campaignId: 'c', attempts: 2, error: 'down', parkedAt: T0 }] });
        await store.saveConsumer('other', 'A', { cursor: 5, park: [{ seq: 3, campaignId: 'c', attempts: 2, error: 'down', parkedAt: T0 }] });
        expect(await store.removeConsumer('sync')).toBe(true);
        expect(await store.removeConsumer('sync')).toBe(false);
        expect((await store.consumers()).map((c) => c.name)).toEqual(['other']);
        expect(await store.parkedChanges('sync')).toEqual([]);
        expect(await store.parkedChanges('other')).toHaveLength(1);
        expect(await store.leaseConsumer('sync', 'B', T0, T0 + 1_000, 9)).toMatchObject({ owner: 'B', cursor: 9 }); // starts over
      });

      it('keeps consumers across a reopen', async () => {
        await store.leaseConsumer('sync', 'A', T0, T0 + 1_000, 0);
        await store.saveConsumer('sync', 'A', { cursor: 9, park: [{ seq: 2, campaignId: 'b', attempts: 1, error: 'x', parkedAt: T0 }] });
        const reopened = await reopen();
        expect(await reopened.consumers()).toMatchObject([{ name: 'sync', cursor: 9, parked: 1 }]);
      });
    });

    describe('webhook endpoints and deliveries', () => {
      const endpoint = (id: string, createdAt: number) => ({
        id,
        url: `https://example.test/hooks/${id}`,
        events: ['PAUSE', 'startAt'],
        presets: ['discount'],
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        description: null,
        createdAt,
      });

      it('adds, lists (oldest first) and removes endpoints; an id is added once', async () => {
        await store.addWebhookEndpoint(endpoint('b', T0 + 1));
        await store.addWebhookEndpoint({ ...endpoint('a', T0 + 2), events: [], presets: [], description: 'all changes' });
        await expect(store.addWebhookEndpoint(endpoint('a', T0))).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.webhookEndpoints()).toEqual([endpoint('b', T0 + 1), { ...endpoint('a', T0 + 2), events: [], presets: [], description: 'all changes' }]);
        expect(await store.removeWebhookEndpoint('b')).toBe(true);
        expect(await store.removeWebhookEndpoint('b')).toBe(false);
        expect((await store.webhookEndpoints()).map((e) => e.id)).toEqual(['a']);
      });

      it('logs delivery attempts per endpoint, newest first, keeping the last 1,000', async () => {
        await store.addWebhookEndpoint(endpoint('a', T0));
        const attempt = (i: number) => ({ endpointId: 'a', seq: 1 + Math.floor(i / 3), attempt: 1 + (i % 3), at: T0 + i, status: i % 3 === 2 ? 200 : 500, ok: i % 3 === 2, error: i % 3 === 2 ? null : 'HTTP 500', nextAttemptAt: i % 3 === 2 ? null : T0 + i + 1_000 });
        await store.recordDeliveries(Array.from({ length: 1_005 }, (_, i) => attempt(i)));
        const log = await store.deliveries('a', 2_000);
        expect(log).toHaveLength(1_000);
        expect(log[0]).toEqual(attempt(1_004));
        expect(log.at(-1)).toEqual(attempt(5));
        expect(await store.deliveries('a', 2)).toEqual([attempt(1_004), attempt(1_003)]);
        expect(await store.deliveries('other', 10)).toEqual([]);
        await store.removeWebhookEndpoint('a');
        expect(await store.deliveries('a', 10)).toEqual([]);
      });
    });

    describe('timers', () => {
      it('leaves out the campaigns it is told to (campaigns in backoff) from due timers and the next due instant', async () => {
        await store.commit([
          create('a', { timers: [['START', T0 + 10]] }),
          create('b', { timers: [['START', T0 + 20]] }),
          create('c', { timers: [['START', T0 + 30]] }),
        ]);
        expect((await store.dueTimers(T0 + 100, 10, ['a'])).map((t) => t.campaignId)).toEqual(['b', 'c']);
        expect((await store.dueTimers(T0 + 100, 1, ['a', 'b'])).map((t) => t.campaignId)).toEqual(['c']);
        expect(await store.nextDueAt(['a'])).toBe(T0 + 20);
        expect(await store.nextDueAt(['a', 'b', 'c'])).toBeNull();
        expect(await store.nextDueAt([])).toBe(T0 + 10);
      });

      it('replaces a campaign’s timers with each write (complete set)', async () => {
        await store.commit([
          create('a', { timers: [['START', T0 + 10], ['END', T0 + 20]] }),
          create('b', { timers: [['START', T0 + 15]] }),
        ]);
        expect(await store.timers('a')).toEqual([timer('a', ['START', T0 + 10]), timer('a', ['END', T0 + 20])]);
        await store.commit([write({ id: 'a', from: 1, status: 'draft', timers: [['VISIBLE', T0 + 30]] })]);
        expect(await store.timers('a')).toEqual([timer('a', ['VISIBLE', T0 + 30])]);
        expect(await store.timers('b')).toEqual([timer('b', ['START', T0 + 15])]);
        await store.commit([write({ id: 'a', from: 2, status: 'draft', timers: [] })]);
        expect(await store.timers('a')).toEqual([]);
        expect(await store.timers('missing')).toEqual([]);
        expect(await store.dueTimers(END_OF_TIME, ALL)).toEqual([timer('b', ['START', T0 + 15])]);
      });

      it('lists due timers by dueAt, then campaign id, up to the limit', async () => {
        await store.commit([
          create('d', { timers: [['END', T0 + 300]] }),
          create('b', { timers: [['START', T0 + 100]] }),
          create('a', { timers: [['END', T0 + 200], ['START', T0 + 100]] }),
          create('c', { timers: [['VISIBLE', T0 + 50]] }),
        ]);
        const expected = [
          timer('c', ['VISIBLE', T0 + 50]),
          timer('a', ['START', T0 + 100]),
          timer('b', ['START', T0 + 100]),
          timer('a', ['END', T0 + 200]),
        ];
        expect(await store.dueTimers(T0 + 200, 10)).toEqual(expected);
        expect(await store.dueTimers(T0 + 200, 2)).toEqual(expected.slice(0, 2));
        expect(await store.dueTimers(T0 + 199, 10)).toEqual(expected.slice(0, 3));
        expect(await store.dueTimers(T0 + 49, 10)).toEqual([]);
        expect(await store.dueTimers(END_OF_TIME, ALL)).toEqual([...expected, timer('d', ['END', T0 + 300])]);
      });

      it('gives due campaigns with their records and due timers, by earliest due timer, up to the limit, leaving out those it is told to', async () => {
        await store.commit([
          create('d', { timers: [['END', T0 + 300]] }),
          create('b', { timers: [['START', T0 + 100]] }),
          create('a', { timers: [['END', T0 + 200], ['START', T0 + 100]] }),
          create('c', { timers: [['VISIBLE', T0 + 50]] }),
        ]);
        const due = await store.dueCampaigns(T0 + 200, 10);
        expect(due.map((d) => d.record.id)).toEqual(['c', 'a', 'b']);
        expect(due.map((d) => d.record)).toEqual(await Promise.all(['c', 'a', 'b'].map(async (id) => (await store.get(id))!)));
        expect(due[1]!.timers).toEqual([timer('a', ['START', T0 + 100]), timer('a', ['END', T0 + 200])]);
        expect((await store.dueCampaigns(T0 + 150, 10))[1]!.timers).toEqual([timer('a', ['START', T0 + 100])]);
        expect((await store.dueCampaigns(T0 + 200, 2)).map((d) => d.record.id)).toEqual(['c', 'a']);
        expect((await store.dueCampaigns(T0 + 200, 10, ['c', 'a'])).map((d) => d.record.id)).toEqual(['b']);
        expect(await store.dueCampaigns(T0 + 49, 10)).toEqual([]);
      });

      it('knows the next due instant cheaply, and forgets timers that are replaced or deleted', async () => {
        expect(await store.nextDueAt()).toBeNull();
        await store.commit([create('a', { timers: [['END', T0 + 200]] }), create('b', { timers: [['START', T0 + 50]] })]);
        expect(await store.nextDueAt()).toBe(T0 + 50);
        await store.commit([write({ id: 'b', from: 1, status: 'live', was: 'draft', timers: [['END', T0 + 900]] })]);
        expect(await store.nextDueAt()).toBe(T0 + 200);
        await store.commit([write({ id: 'a', from: 1, status: null, was: 'draft' })]);
        expect(await store.nextDueAt()).toBe(T0 + 900);
      });

      it('reports timer stats', async () => {
        await store.commit([
          create('a', { timers: [['START', T0 + 100], ['END', T0 + 200]] }),
          create('b', { timers: [['START', T0 + 50]] }),
        ]);
        expect(await store.timerStats(T0)).toEqual({ pending: 3, overdue: 0, oldestOverdue: null, nextDueAt: T0 + 50 });
        expect(await store.timerStats(T0 + 100)).toEqual({ pending: 3, overdue: 2, oldestOverdue: T0 + 50, nextDueAt: T0 + 50 });
        expect(await store.timerStats(T0 + 1000)).toEqual({ pending: 3, overdue: 3, oldestOverdue: T0 + 50, nextDueAt: T0 + 50 });
        await store.commit([write({ id: 'b', from: 1, status: 'live', was: 'draft', fired: ['START', T0 + 50] })]);
        expect(await store.timerStats(T0 + 100)).toEqual({ pending: 2, overdue: 1, oldestOverdue: T0 + 100, nextDueAt: T0 + 100 });
      });

      it('a timer write applies once: firing it again from the same version conflicts', async () => {
        await store.commit([create('a', { timers: [['START', T0 + 100], ['END', T0 + 200]] }), create('b')]);
        const fire = write({ id: 'a', from: 1, status: 'live', was: 'draft', timers: [['END', T0 + 200]], fired: ['START', T0 + 100] });
        expect(await store.commit([fire])).toEqual([3]);
        expect(await store.timers('a')).toEqual([timer('a', ['END', T0 + 200])]);
        const before = await dump(store);
        expect(await rejection(store.commit([write({ id: 'b', from: 1, status: 'live', was: 'draft' }), fire]))).toMatchObject({
          index: 1,
          campaignId: 'a',
        });
        expect(await dump(store)).toEqual(before);
      });

      it('repairs timers without a change (change null): same version, no history, seq 0', async () => {
        await store.commit([create('a', { timers: [['START', T0 + 100]] }), create('b')]);
        const before = await dump(store);
        const repair = write({ id: 'a', from: 1, status: 'draft', change: false, timers: [['END', T0 + 500]] });
        expect(repair.record?.version).toBe(1);
        expect(await store.commit([repair])).toEqual([0]);
        expect(await store.timers('a')).toEqual([timer('a', ['END', T0 + 500])]);
        expect(await store.get('a')).toMatchObject({ version: 1, status: 'draft' });
        expect(await store.lastSeq()).toBe(before.lastSeq);
        expect(await store.changes(0, ALL)).toEqual(before.changes);
        expect(await store.history('a')).toHaveLength(1);
        expect(await countsOf(store)).toEqual(before.counts);
        const mixed = await store.commit([
          write({ id: 'a', from: 1, status: 'draft', change: false, timers: [] }),
          write({ id: 'b', from: 1, status: 'scheduled', was: 'draft' }),
        ]);
        expect(mixed).toEqual([0, 3]);
        expect(await store.timers('a')).toEqual([]);
      });
    });

    describe('change feed and history', () => {
      it('assigns gap-free, strictly increasing seqs across commits', async () => {
        const returned: number[] = [];
        returned.push(...(await store.commit([create('a'), create('b')])));
        returned.push(...(await store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft' })])));
        await rejection(store.commit([create('a')]));
        returned.push(...(await store.commit([create('c'), write({ id: 'b', from: 1, status: null, was: 'draft' })])));
        expect(returned).toEqual([1, 2, 3, 4, 5]);
        const feed = await store.changes(0, ALL);
        expect(seqs(feed)).toEqual([1, 2, 3, 4, 5]);
        expect(feed.map((c) => [c.campaignId, c.event])).toEqual([
          ['a', 'CREATE'],
          ['b', 'CREATE'],
          ['a', 'UPDATE'],
          ['c', 'CREATE'],
          ['b', 'DELETE'],
        ]);
        expect(await store.lastSeq()).toBe(5);
      });

      it('resumes the feed after a given seq, in pages', async () => {
        await store.commit([create('a'), create('b'), create('c')]);
        await store.commit([create('d'), create('e')]);
        expect(seqs(await store.changes(2, 2))).toEqual([3, 4]);
        expect(seqs(await store.changes(4, 10))).toEqual([5]);
        expect(await store.changes(5, 10)).toEqual([]);
        expect(await store.changes(0, 0)).toEqual([]);
        const paged: Change[] = [];
        for (let after = 0; ; ) {
          const page = await store.changes(after, 2);
          if (page.length === 0) break;
          paged.push(...page);
          after = page.at(-1)!.seq;
        }
        expect(paged).toEqual(await store.changes(0, ALL));
      });

      it('stores every field of a change', async () => {
        await store.commit([create('a', { timers: [['START', T0 + 100]] })]);
        const w = write({ id: 'a', from: 1, status: 'live', was: 'draft', fired: ['START', T0 + 100], event: 'startAt', at: T0 + 150 });
        await store.commit([w]);
        const expected: Change = { ...w.change!, preset: w.preset, seq: 2 };
        expect(expected).toMatchObject({ dueAt: T0 + 100, source: 'timer', event: 'startAt', at: T0 + 150 });
        expect(await store.changes(1, 1)).toEqual([expected]);
        expect(await store.history('a', { after: 1 })).toEqual([expected]);
      });

      it('reads a campaign’s history with after and limit', async () => {
        await store.commit([create('a'), create('b')]);
        await store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft' })]);
        await store.commit([write({ id: 'b', from: 1, status: 'scheduled', was: 'draft' })]);
        await store.commit([write({ id: 'a', from: 2, status: 'live', was: 'scheduled' })]);
        expect(seqs(await store.history('a'))).toEqual([1, 3, 5]);
        expect(seqs(await store.history('b'))).toEqual([2, 4]);
        expect(seqs(await store.history('a', { after: 1 }))).toEqual([3, 5]);
        expect(seqs(await store.history('a', { after: 2 }))).toEqual([3, 5]);
        expect(seqs(await store.history('a', { limit: 2 }))).toEqual([1, 3]);
        expect(seqs(await store.history('a', { after: 1, limit: 1 }))).toEqual([3]);
        expect(await store.history('a', { after: 5 })).toEqual([]);
        expect(await store.history('missing')).toEqual([]);
        expect((await store.history('a')).every((c) => c.campaignId === 'a')).toBe(true);
      });

      it('stores the idempotency record of a command', async () => {
        await store.commit([create('a', { commandId: 'cmd-create' })]);
        await store.commit([write({ id: 'a', from: 1, status: 'scheduled', was: 'draft', commandId: 'cmd-update' })]);
        expect(await store.idempotency('cmd-create')).toEqual({ campaignId: 'a', result: 'result of cmd-create' });
        expect(await store.idempotency('cmd-update')).toEqual({ campaignId: 'a', result: 'result of cmd-update' });
        expect(await store.idempotency('cmd-unknown')).toBeNull();
        expect((await store.history('a')).map((c) => c.commandId)).toEqual(['cmd-create', 'cmd-update']);
      });
    });

    describe('list and counts', () => {
      const seed = [
        create('c1', { createdAt: T0 + 3, preset: 'email', status: 'draft' }),
        create('c2', { createdAt: T0 + 1, preset: 'sms', status: 'live' }),
        create('c3', { createdAt: T0 + 3, preset: 'sms', status: 'scheduled' }),
        create('c4', { createdAt: T0 + 2, preset: 'email', status: 'live' }),
        create('c5', { createdAt: T0 + 3, preset: 'email', status: 'live' }),
        create('c6', { createdAt: T0 + 5, preset: 'email', status: 'ended' }),
        create('c7', { createdAt: T0 + 1, preset: 'email', status: 'draft' }),
      ];
      const newestFirst = ['c6', 'c5', 'c3', 'c1', 'c4', 'c7', 'c2'];

      it('lists newest first: createdAt desc, then id desc', async () => {
        await store.commit(seed);
        expect(ids(await store.list())).toEqual(newestFirst);
        expect(ids(await store.list({ limit: 3 }))).toEqual(newestFirst.slice(0, 3));
      });

      it('filters by status (one or several) and preset', async () => {
        await store.commit(seed);
        expect(ids(await store.list({ status: 'live' }))).toEqual(['c5', 'c4', 'c2']);
        expect(ids(await store.list({ status: ['draft', 'ended'] }))).toEqual(['c6', 'c1', 'c7']);
        expect(ids(await store.list({ status: ['live'] }))).toEqual(['c5', 'c4', 'c2']);
        expect(ids(await store.list({ preset: 'sms' }))).toEqual(['c3', 'c2']);
        expect(ids(await store.list({ preset: 'email', status: 'live' }))).toEqual(['c5', 'c4']);
        expect(ids(await store.list({ preset: 'email', status: ['live', 'scheduled'] }))).toEqual(['c5', 'c4']);
        expect(await store.list({ status: 'unknown' })).toEqual([]);
        expect(await store.list({ preset: 'unknown' })).toEqual([]);
      });

      it('paginates with limit and cursorOf(last), covering every record once', async () => {
        await store.commit(seed);
        for (const [query, expected] of [
          [{}, newestFirst],
          [{ preset: 'email' }, ['c6', 'c5', 'c1', 'c4', 'c7']],
          [{ status: ['live', 'draft'] }, ['c5', 'c1', 'c4', 'c7', 'c2']],
        ] as const) {
          for (const limit of [1, 2, 3, 7, 10]) {
            const seen: string[] = [];
            let after: string | undefined;
            for (let page = 0; page < 20; page++) {
              const records = await store.list({ ...query, limit, ...(after === undefined ? {} : { after }) });
              expect(records.length).toBeLessThanOrEqual(limit);
              if (records.length === 0) break;
              seen.push(...ids(records));
              after = cursorOf(records.at(-1)!);
            }
            expect(seen).toEqual(expected);
          }
        }
        expect(ids(await store.list({ after: cursorOf({ createdAt: T0 + 3, id: 'c3' }) }))).toEqual(['c1', 'c4', 'c7', 'c2']);
      });

      it('counts campaigns per preset and status, following status changes and deletes', async () => {
        await store.commit(seed);
        expect(await countsOf(store)).toEqual([
          { preset: 'email', status: 'draft', count: 2 },
          { preset: 'email', status: 'ended', count: 1 },
          { preset: 'email', status: 'live', count: 2 },
          { preset: 'sms', status: 'live', count: 1 },
          { preset: 'sms', status: 'scheduled', count: 1 },
        ]);
        await store.commit([
          write({ id: 'c1', from: 1, status: 'live', was: 'draft', createdAt: T0 + 3 }),
          write({ id: 'c3', from: 1, status: 'live', was: 'scheduled', preset: 'sms', createdAt: T0 + 3 }),
          write({ id: 'c6', from: 1, status: null, was: 'ended' }),
          write({ id: 'c7', from: 1, status: 'draft', createdAt: T0 + 1 }),
          write({ id: 'c7', from: 2, status: 'draft', createdAt: T0 + 1, change: false }),
        ]);
        expect(await countsOf(store)).toEqual([
          { preset: 'email', status: 'draft', count: 1 },
          { preset: 'email', status: 'live', count: 3 },
          { preset: 'sms', status: 'live', count: 2 },
        ]);
        expect(await countsOf(store, { preset: 'sms' })).toEqual([{ preset: 'sms', status: 'live', count: 2 }]);
        expect(await countsOf(store, { preset: 'unknown' })).toEqual([]);
        expect((await store.counts()).every((c) => c.count >= 0)).toBe(true);
        const total = (await store.counts()).reduce((n, c) => n + c.count, 0);
        expect(total).toBe((await store.list()).length);
      });

      it('leaves counts untouched by a rejected batch', async () => {
        await store.commit(seed);
        const before = await countsOf(store);
        await rejection(
          store.commit([write({ id: 'c1', from: 1, status: 'live', was: 'draft', createdAt: T0 + 3 }), create('c2')]),
        );
        expect(await countsOf(store)).toEqual(before);
      });
    });

    describe('errors keep their class (and their fields) on every adapter', () => {
      it('StoreConflictError: a stale version names the write and the campaign', async () => {
        await store.commit([create('a')]);
        const error = await rejection(store.commit([create('b'), write({ id: 'a', from: 5, status: 'active' })]));
        expect(error).toMatchObject({ name: 'StoreConflictError', index: 1, campaignId: 'a' });
        expect(error).toBeInstanceOf(Error);
        expect(await store.get('b')).toBeNull();
      });

      it('StoreVersionError: a schema newer than this library is refused, saying both versions', async ({ skip }) => {
        if (!harness.faults) return skip('this adapter has no schema');
        await store.commit([create('a')]);
        await harness.faults.newerSchema();
        const error = await harness.reopen().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(StoreVersionError);
        const { found, supported, location } = error as StoreVersionError;
        expect(found).toBe(supported + 1);
        expect(location.length).toBeGreaterThan(0);
        expect((error as Error).message).toContain(`schema version ${found}`);
      });

      it('StoreLockedError: a second store on the same data is refused while the first is open', async ({ skip }) => {
        if (!harness.faults?.second) return skip('this adapter takes no lock (one runtime per process, or shared by design)');
        const second = harness.faults.second();
        const error = await second.open().then(
          () => null,
          (e: unknown) => e,
        );
        await second.close();
        expect(error).toBeInstanceOf(StoreLockedError);
        expect((error as StoreLockedError).location.length).toBeGreaterThan(0);
      });
    });

    describe('durability', () => {
      it('keeps everything across reopen', async () => {
        await store.commit([
          create('a', { timers: [['START', T0 + 100]], commandId: 'cmd-a' }),
          create('b', { preset: 'sms', createdAt: T0 + 1 }),
          create('c'),
        ]);
        await store.commit([
          write({ id: 'a', from: 1, status: 'scheduled', was: 'draft', timers: [['START', T0 + 100], ['END', T0 + 200]] }),
          write({ id: 'c', from: 1, status: null, was: 'draft' }),
        ]);
        const before = await dump(store);
        const history = await store.history('c');
        expect(before.lastSeq).toBe(5);
        await reopen();
        expect(await dump(store)).toEqual(before);
        expect(await store.history('c')).toEqual(history);
        expect(await store.idempotency('cmd-a')).toEqual({ campaignId: 'a', result: 'result of cmd-a' });
        expect(await store.timerStats(T0 + 150)).toEqual({ pending: 2, overdue: 1, oldestOverdue: T0 + 100, nextDueAt: T0 + 100 });
        expect(await store.commit([write({ id: 'a', from: 2, status: 'live', was: 'scheduled' })])).toEqual([6]);
      });

      it('never reuses a seq after reopen', async () => {
        await store.commit([create('a'), create('b')]);
        await rejection(store.commit([create('x'), create('a')]));
        await reopen();
        expect(await store.lastSeq()).toBe(2);
        expect(await store.commit([create('c')])).toEqual([3]);
        await store.commit([write({ id: 'c', from: 1, status: 'draft', change: false })]);
        await reopen();
        expect(await store.commit([write({ id: 'a', from: 1, status: null, was: 'draft' })])).toEqual([4]);
        await reopen();
        expect(await store.commit([create('d')])).toEqual([5]);
        expect(seqs(await store.changes(0, ALL))).toEqual(range(1, 5));
      });
    });
  });
}
