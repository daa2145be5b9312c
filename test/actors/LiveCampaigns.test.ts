import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/actors/errors.js';
import { Quarantine } from '../../src/actors/Quarantine.js';
import { LiveCampaigns, restoreSnapshot } from '../../src/actors/LiveCampaigns.js';
import { campaignWrite } from '../../src/actors/campaignWrite.js';
import { memoryStore } from '../../src/persistence/index.js';
import { discount, T0 } from './parts.js';

/** A store holding `ids`, written from live campaigns of a scratch cache. */
async function storeWith(ids: string[]) {
  const store = memoryStore();
  const scratch = new LiveCampaigns({ store, maxLive: 1_000, busy: () => false, quarantine: new Quarantine(() => 0) });
  for (const id of ids) {
    const live = scratch.create(id, discount(), T0);
    live.version = 1;
    await store.commit([campaignWrite(live, 0, { event: 'CREATE', source: 'user', from: null, at: T0, dueAt: null, commandId: null, detail: null })]);
  }
  return store;
}

describe('LiveCampaigns', () => {
  it('loads a stored campaign as its snapshot with its version, status and timers (no actor without an inspector)', async () => {
    const store = await storeWith(['a']);
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0) });
    const live = await cache.load('a');
    expect(live).toMatchObject({ id: 'a', preset: 'discount', version: 1, status: 'Draft', pending: 0, deleted: false });
    expect(live.snapshot.status).toBe('active');
    expect(live.actor).toBeNull();
    expect(await cache.load('a')).toBe(live);
    await expect(cache.load('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('evicts the least recently used idle campaigns once 10 % over the limit, never a busy one', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const store = await storeWith(ids);
    const busy = new Set(['c0']);
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: (id) => busy.has(id), quarantine: new Quarantine(() => 0) });
    for (const id of ids.slice(0, 11)) await cache.load(id);
    expect(cache.size).toBe(11);
    await cache.load('c1'); // c1 becomes the most recently used
    const pendingOne = await cache.load('c2');
    pendingOne.pending = 1;
    await cache.load('c11');
    expect(cache.size).toBe(10);
    for (const kept of ['c0', 'c1', 'c2', 'c11']) expect(cache.has(kept), kept).toBe(true);
    expect(cache.has('c3')).toBe(false);
  });

  it('reads the committed snapshot: the live one when nothing is in flight, else the stored one', async () => {
    const store = await storeWith(['a']);
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0) });
    const live = await cache.load('a');
    expect((await cache.committed('a'))!.snapshot).toBe(live.snapshot);
    live.pending = 1; // a write in flight: memory is at version 2, the store at 1
    live.version = 2;
    const read = (await cache.committed('a'))!;
    expect(read.snapshot).not.toBe(live.snapshot);
    expect(read.snapshot.value).toEqual(live.snapshot.value);
    expect(await cache.committed('missing')).toBeNull();
  });

  it('forgets a campaign whose memory ran ahead of the store, and removes a deleted one', async () => {
    const store = await storeWith(['a']);
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0) });
    const first = await cache.load('a');
    cache.forget(first);
    const second = await cache.load('a');
    expect(second).not.toBe(first);
    cache.remove(second);
    expect(cache.has('a')).toBe(false);
  });

  it('restores a stored snapshot without starting an actor', async () => {
    const store = await storeWith(['a']);
    const snapshot = restoreSnapshot((await store.get('a'))!);
    expect(snapshot.value).toBe('draft');
    expect(snapshot.context.name).toBe('Spring sale');
  });

  it('on a shared store: an unverified load trusts the cache, isCurrent asks the store, outdated drops an actor behind another runtime', async () => {
    const store = await storeWith(['a']);
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0), shared: true });
    const live = await cache.load('a');
    expect(await cache.load('a', false)).toBe(live);
    expect(await cache.isCurrent(live)).toBe(true);
    // another runtime moves the campaign to version 2
    const other = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0), shared: true });
    const theirs = await other.load('a');
    other.send(theirs, { type: 'UPDATE', patch: { name: 'Theirs' }, at: T0 } as never);
    theirs.version = 2;
    await store.commit([campaignWrite(theirs, 1, { event: 'UPDATE', source: 'user', from: 'Draft', at: T0, dueAt: null, commandId: null, detail: null })]);
    expect(await cache.load('a', false)).toBe(live); // trusted: the commit's version check stands behind it
    expect(await cache.isCurrent(live)).toBe(false); // and forgotten
    expect(cache.has('a')).toBe(false);
    const fresh = await cache.load('a', false);
    expect(fresh.version).toBe(2);
    cache.outdated('a', 2); // its own version: kept
    expect(cache.has('a')).toBe(true);
    cache.outdated('a', 3);
    expect(cache.has('a')).toBe(false);
  });

  it('with an inspector, every live campaign is a started actor that reports each event; its snapshot is the actor’s', async () => {
    const store = await storeWith(['a']);
    const events: string[] = [];
    const inspect = (event: { type: string; event?: { type: string } }) => {
      if (event.type === '@xstate.event') events.push(event.event!.type);
    };
    const cache = new LiveCampaigns({ store, maxLive: 10, busy: () => false, quarantine: new Quarantine(() => 0), inspect });
    const live = await cache.load('a');
    expect(live.actor?.getSnapshot()).toBe(live.snapshot);
    const next = cache.send(live, { type: 'PUBLISH', at: T0 } as never);
    expect(next).toBe(live.actor!.getSnapshot());
    expect(events).toContain('PUBLISH');
    const fresh = cache.create('b', discount(), T0);
    expect(fresh.actor?.getSnapshot()).toBe(fresh.snapshot);
    cache.remove(live);
    expect(live.actor!.getSnapshot().status).toBe('stopped');
  });
});
