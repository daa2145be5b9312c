import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignChange } from '../../src/index.js';
import { type Harness, harness, STORE_KINDS } from '../support/runtime.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Waits for the feed's deliveries (store reads: on PostgreSQL they are network round trips). */
const waitFor = async (check: () => boolean) => {
  await expect.poll(check, { timeout: 5_000, interval: 2 }).toBe(true);
};

describe.each(STORE_KINDS)('the change feed on the %s store', (kind) => {
  let h: Harness;
  afterEach(() => h.close());

  it('delivers every committed change in sequence order, commands and timers alike', async () => {
    h = await harness(kind);
    const seen: CampaignChange[] = [];
    const unsubscribe = h.rt.subscribe((change) => {
      seen.push(change);
    });
    const c = await h.rt.create({ preset: 'discount', name: 'D', startAt: iso(h.clock.now() + DAY) });
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await h.clock.advanceBy(2 * DAY);
    await waitFor(() => seen.length === 3);
    expect(seen.map((s) => [s.seq, s.event, s.source, s.from, s.to])).toEqual([
      [1, 'CREATE', 'user', null, 'Draft'],
      [2, 'PUBLISH', 'user', 'Draft', 'Scheduled'],
      [3, 'startAt', 'timer', 'Scheduled', 'Active'],
    ]);
    unsubscribe();
    await h.rt.send(c.id, { type: 'PAUSE' });
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(3);
  });

  it('resumes after a sequence: a consumer that was away gets what it missed, once, in order', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const first: CampaignChange[] = [];
    const stop = h.rt.subscribe((change) => {
      first.push(change);
    }, { after: 0 });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    await waitFor(() => first.length === 2);
    stop();
    const resumeAfter = first.at(-1)!.seq;
    for (const type of ['PAUSE', 'RESUME', 'PAUSE', 'RESUME'] as const) await h.rt.send(c.id, { type });
    await h.restart(); // even across a restart
    const second: CampaignChange[] = [];
    h.rt.subscribe((change) => {
      second.push(change);
    }, { after: resumeAfter });
    await h.rt.send(c.id, { type: 'END' });
    await waitFor(() => second.length === 5);
    expect(second.map((s) => s.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(second.map((s) => s.event)).toEqual(['PAUSE', 'RESUME', 'PAUSE', 'RESUME', 'END']);
  });

  it('a slow (async) listener gets changes one at a time, in order, without gaps', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    const seqs: number[] = [];
    let busy = false;
    h.rt.subscribe(async (change) => {
      expect(busy).toBe(false);
      busy = true;
      await new Promise((r) => setImmediate(r));
      seqs.push(change.seq);
      busy = false;
    }, { after: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.rt.send(c.id, { type: i % 2 ? 'RESUME' : 'PAUSE' })));
    await waitFor(() => seqs.length === 22);
    expect(seqs).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
  });

  it('a listener that throws does not stop the feed', async () => {
    const errors: unknown[] = [];
    h = await harness(kind, '2026-01-05T08:00:00Z', { onError: (e) => errors.push(e) });
    const seen: number[] = [];
    h.rt.subscribe((change) => {
      seen.push(change.seq);
      if (change.seq === 1) throw new Error('consumer bug');
    });
    const c = await h.rt.create({ preset: 'discount', name: 'D' });
    await h.rt.send(c.id, { type: 'PUBLISH' });
    await waitFor(() => seen.length === 2);
    expect(errors).toHaveLength(1);
  });
});
