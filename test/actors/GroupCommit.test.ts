import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/actors/GroupCommit.js';
import { type CampaignStore, type CampaignWrite, memoryStore, StoreConflictError } from '../../src/persistence/index.js';

const create = (id: string, fromVersion = 0): CampaignWrite => ({
  campaignId: id,
  preset: 'discount',
  fromVersion,
  record: { id, preset: 'discount', status: 'Draft', name: id, version: fromVersion + 1, snapshot: '{}', createdAt: 1, updatedAt: 1 },
  timers: [],
  change: { campaignId: id, version: fromVersion + 1, at: 1, dueAt: null, event: 'CREATE', source: 'user', from: null, to: 'Draft', commandId: null, detail: null },
});

/** The same write with its change altered. */
const withChange = (write: CampaignWrite, change: Partial<NonNullable<CampaignWrite['change']>>): CampaignWrite => ({ ...write, change: { ...write.change!, ...change } });

/** A store that counts its transactions. */
function counting(): { store: CampaignStore; batches: number[] } {
  const store = memoryStore();
  const batches: number[] = [];
  const commit = store.commit.bind(store);
  store.commit = (writes) => {
    batches.push(writes.length);
    return commit(writes);
  };
  return { store, batches };
}

describe('GroupCommit', () => {
  it('commits the writes of one event-loop turn in one transaction and resolves each with its seq', async () => {
    const { store, batches } = counting();
    const seen: number[][] = [];
    const commits = new GroupCommit(store, (_, seqs) => seen.push([...seqs]));
    const seqs = await Promise.all(['a', 'b', 'c'].map((id) => commits.enqueue(create(id))));
    expect(seqs).toEqual([1, 2, 3]);
    expect(batches).toEqual([3]);
    expect(seen).toEqual([[1, 2, 3]]);
  });

  it('gathers the next batch while a commit is in flight', async () => {
    const { store, batches } = counting();
    const commits = new GroupCommit(store, () => {});
    const first = commits.enqueue(create('a'));
    await new Promise((r) => setImmediate(r));
    const later = ['b', 'c'].map((id) => commits.enqueue(create(id)));
    await Promise.all([first, ...later]);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(3);
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('refuses a conflicting write alone and commits the rest of its batch', async () => {
    const { store } = counting();
    const commits = new GroupCommit(store, () => {});
    await commits.enqueue(create('a'));
    const results = await Promise.allSettled([commits.enqueue(create('b')), commits.enqueue(create('a')), commits.enqueue(create('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
    expect((await store.list()).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('commits a write enqueued as the previous batch settles (it is not stranded until some later write)', async () => {
    // the flush loop ends a few microtasks after it resolves its writes: enqueue at each of them
    for (let ticks = 0; ticks < 6; ticks++) {
      const commits = new GroupCommit(memoryStore(), () => {});
      await commits.enqueue(create('a'));
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      const outcome = await Promise.race([commits.enqueue(create('b')), new Promise((resolve) => setTimeout(() => resolve('stranded'), 200))]);
      expect(outcome, `enqueued ${ticks} microtasks later`).toBe(2);
    }
  });

  it("refuses the writes built on a refused one: a campaign's later write is not committed over another runtime's version", async () => {
    const { store } = counting();
    const commits = new GroupCommit(store, () => {});
    await commits.enqueue(create('a')); // a at version 1
    // another runtime moves a to version 2; this one, not knowing, writes 1 → 2 and chains 2 → 3 on it
    await store.commit([withChange(create('a', 1), { event: 'ABORT' })]);
    const chained = withChange(create('a', 2), { event: 'FREEZE' });
    const results = await Promise.allSettled([commits.enqueue(create('a', 1)), commits.enqueue(create('b')), commits.enqueue(chained)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
    expect((await store.history('a')).map((c) => c.event)).toEqual(['CREATE', 'ABORT']);
  });

  it("refuses a campaign's writes still queued behind one the store failed (they were built on it)", async () => {
    const store = memoryStore();
    const commit = store.commit.bind(store);
    let fail = true;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.commit = async (writes) => {
      if (fail && writes.some((w) => w.campaignId === 'a' && w.fromVersion === 0)) {
        fail = false;
        await gate;
        await commit([withChange(create('a'), { detail: 'another runtime' })]); // meanwhile, elsewhere
        throw new Error('connection lost');
      }
      return commit(writes);
    };
    const commits = new GroupCommit(store, () => {});
    const first = commits.enqueue(create('a'));
    await new Promise((r) => setImmediate(r)); // the first batch is in flight
    const queued = commits.enqueue(create('a', 1));
    const other = commits.enqueue(create('b'));
    release();
    const results = await Promise.allSettled([first, queued, other]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((await store.history('a')).map((c) => c.detail)).toEqual(['another runtime']);
  });

  it('rejects every write of a batch the store fails, and counts the backlog until drained', async () => {
    const store = memoryStore();
    store.commit = async () => {
      throw new Error('disk gone');
    };
    const commits = new GroupCommit(store, () => {});
    const writes = [commits.enqueue(create('a')), commits.enqueue(create('b'))];
    expect(commits.backlog).toBe(2);
    for (const result of await Promise.allSettled(writes)) expect(result.status).toBe('rejected');
    await commits.drain();
    expect(commits.backlog).toBe(0);
  });
});
