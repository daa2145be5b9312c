import { describe, expect, it } from 'vitest';
import { ChangeFeed } from '../../src/actors/ChangeFeed.js';
import type { CampaignChange } from '../../src/actors/CampaignRuntime.js';
import { type CampaignWrite, memoryStore } from '../../src/persistence/index.js';
import { until } from '../support/until.js';

const change = (id: string, version: number, at: number): CampaignWrite => ({
  campaignId: id,
  preset: 'discount',
  fromVersion: version - 1,
  record: { id, preset: 'discount', status: 'Draft', name: id, version, snapshot: '{}', createdAt: 1, updatedAt: at },
  timers: [],
  change: { campaignId: id, version, at, dueAt: null, event: version === 1 ? 'CREATE' : 'UPDATE', source: 'user', from: null, to: 'Draft', commandId: null, detail: version === 1 ? null : '{"patch":{}}' },
});

describe('ChangeFeed', () => {
  it('delivers what is committed after the cursor, in order, as the host sees it', async () => {
    const store = memoryStore();
    await store.commit([change('a', 1, 1000)]);
    const feed = new ChangeFeed(store, (e) => {
      throw e;
    });
    await feed.open();
    expect(feed.lastSeq).toBe(1);
    const got: CampaignChange[] = [];
    const stop = feed.subscribe((c) => void got.push(c), { after: 0 });
    const [seq] = await store.commit([change('a', 2, 2000)]);
    feed.advance(seq!);
    await until(() => got.length === 2);
    stop();
    expect(got.map((c) => [c.seq, c.event])).toEqual([
      [1, 'CREATE'],
      [2, 'UPDATE'],
    ]);
    expect(got[1]).toMatchObject({ at: new Date(2000).toISOString(), dueAt: null, detail: { patch: {} } });
  });

  it('takes its own process’s committed changes as they are when they follow on, and reads the store when another writer’s came between', async () => {
    const store = memoryStore();
    let reads = 0;
    const counting = { lastSeq: () => store.lastSeq(), changes: (after: number, limit: number) => (reads++, store.changes(after, limit)) };
    const feed = new ChangeFeed(counting, (e) => {
      throw e;
    });
    await feed.open();
    const got: number[] = [];
    feed.subscribe((c) => void got.push(c.seq), { after: 0 });
    const commit = async (...writes: CampaignWrite[]) => {
      const seqs = await store.commit(writes);
      return writes.map((w, i) => ({ ...w.change!, preset: w.preset, seq: seqs[i]! }));
    };
    feed.committed(await commit(change('a', 1, 1), change('b', 1, 1)));
    await until(() => got.length === 2);
    expect(reads).toBe(0);
    await store.commit([change('c', 1, 1)]); // another writer: seq 3
    feed.committed(await commit(change('a', 2, 2))); // seq 4 does not follow seq 2
    await until(() => got.length === 4);
    expect(got).toEqual([1, 2, 3, 4]);
    expect(reads).toBeGreaterThan(0);
  });

  it('starts from now by default, and a failing listener does not stop the feed', async () => {
    const store = memoryStore();
    await store.commit([change('a', 1, 1)]);
    const errors: unknown[] = [];
    const feed = new ChangeFeed(store, (e) => errors.push(e));
    await feed.open();
    const got: number[] = [];
    const stop = feed.subscribe((c) => {
      got.push(c.seq);
      if (c.seq === 2) throw new Error('listener failed');
    });
    for (const version of [2, 3]) feed.advance((await store.commit([change('a', version, version)]))[0]!);
    await until(() => got.length === 2);
    stop();
    expect(got).toEqual([2, 3]);
    expect(errors).toHaveLength(1);
  });

  it('stops every subscription', async () => {
    const store = memoryStore();
    const feed = new ChangeFeed(store, () => {});
    await feed.open();
    const got: number[] = [];
    feed.subscribe((c) => void got.push(c.seq));
    feed.stop();
    feed.advance((await store.commit([change('a', 1, 1)]))[0]!);
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([]);
  });
});
