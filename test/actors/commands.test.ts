import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, TransitionRejectedError, ValidationError } from '../../src/index.js';
import { type Harness, harness, STORE_KINDS } from '../support/runtime.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function snapshotOfStore(h: Harness) {
  const list = await h.rt.list();
  const histories = await Promise.all(list.map((c) => h.rt.history(c.id)));
  return { list, histories, counts: await h.rt.counts(), lastSeq: h.rt.lastSeq };
}

describe.each(STORE_KINDS)('commands on the %s store', (kind) => {
  let h: Harness;
  afterEach(() => h.close());

  it('a retry with the same commandId returns the first result and writes nothing more', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] }, { commandId: 'create-1' });
    const again = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] }, { commandId: 'create-1' });
    expect(again).toEqual(c);
    const first = await h.rt.send(c.id, { type: 'ACTIVATE' }, { commandId: 'act-1' });
    await h.clock.advanceBy(1000);
    const retry = await h.rt.send(c.id, { type: 'ACTIVATE' }, { commandId: 'act-1' });
    expect(retry).toEqual(first);
    expect((await h.rt.history(c.id)).map((e) => e.event)).toEqual(['CREATE', 'ACTIVATE']);
    expect(h.rt.lastSeq).toBe(2);
    // concurrent retries share one execution
    const [a, b] = await Promise.all([
      h.rt.send(c.id, { type: 'PAUSE' }, { commandId: 'pause-1' }),
      h.rt.send(c.id, { type: 'PAUSE' }, { commandId: 'pause-1' }),
    ]);
    expect(b).toEqual(a);
    expect((await h.rt.history(c.id)).filter((e) => e.event === 'PAUSE')).toHaveLength(1);
  });

  it('a campaign made while every other live campaign is busy is not evicted before its first write (full cache)', async () => {
    h = await harness(kind, '2026-01-05T08:00:00Z', { maxLiveActors: 1 });
    const [a, b] = [await h.rt.create({ preset: 'discount', name: 'A' }), await h.rt.create({ preset: 'discount', name: 'B' })];
    // a and b busy (their writes not yet durable) while the copy is made in a lane of its own
    const busy = [h.rt.send(a.id, { type: 'UPDATE', patch: { name: 'A2' } }), h.rt.send(b.id, { type: 'UPDATE', patch: { name: 'B2' } })];
    const copy = await h.rt.duplicate(a.id, { name: 'Copy' });
    await Promise.all(busy);
    expect(copy).toMatchObject({ name: 'Copy', version: 1 });
    expect((await h.rt.get(copy.id)).name).toBe('Copy');
  });

  it('survives a restart: a retry after a crash still returns the first result', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const first = await h.rt.send(c.id, { type: 'ACTIVATE' }, { commandId: 'act-1' });
    await h.restart();
    expect(await h.rt.send(c.id, { type: 'ACTIVATE' }, { commandId: 'act-1' })).toEqual(first);
  });

  it('a commandId reused for another command or campaign is a conflict', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const d = await h.rt.create({ preset: 'gifting', name: 'H', products: ['mug'] });
    await h.rt.send(c.id, { type: 'ACTIVATE' }, { commandId: 'k' });
    await expect(h.rt.send(c.id, { type: 'PAUSE' }, { commandId: 'k' })).rejects.toBeInstanceOf(ConflictError);
    await expect(h.rt.send(d.id, { type: 'ACTIVATE' }, { commandId: 'k' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('expectedVersion: a stale version is a ConflictError with both versions, and changes nothing', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    const active = await h.rt.send(c.id, { type: 'ACTIVATE' }, { expectedVersion: 1 });
    expect(active.version).toBe(2);
    const before = await snapshotOfStore(h);
    const error = await h.rt.send(c.id, { type: 'PAUSE' }, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ name: 'ConflictError', campaignId: c.id, expectedVersion: 1, actualVersion: 2 });
    expect(await snapshotOfStore(h)).toEqual(before);
  });

  it('of many concurrent commands with the same expectedVersion exactly one wins', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'journey', name: 'J', audience: { mode: 'trigger' } });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => h.rt.send(c.id, { type: i % 2 ? 'PAUSE' : 'CLOSE' }, { expectedVersion: 2 })),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'rejected').every((a) => a.reason instanceof ConflictError)).toBe(true);
    expect((await h.rt.get(c.id)).version).toBe(3);
  });

  it('commands to one campaign apply in the order they were sent', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G', products: ['mug'] });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    const sends = Array.from({ length: 30 }, (_, i) => h.rt.send(c.id, { type: i % 2 ? 'RESUME' : 'PAUSE' }));
    const views = await Promise.all(sends);
    expect(views.map((v) => v.version)).toEqual(views.map((_, i) => 3 + i));
    const events = (await h.rt.history(c.id)).slice(2).map((e) => e.event);
    expect(events).toEqual(views.map((_, i) => (i % 2 ? 'RESUME' : 'PAUSE')));
  });

  it('bad input is a ValidationError with zod issues, and nothing is written', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'discount', name: 'D' });
    const before = await snapshotOfStore(h);
    const bad: unknown[] = [
      { preset: 'discount', name: 'x', startAt: 1767225600000 },
      { preset: 'discount', name: 'x', startAt: '2026-01-01T00:00:00' },
      { preset: 'discount', name: 'x', startAt: '2026-02-30T00:00:00Z' },
      { preset: 'discount', name: 'x', endAt: '2026-01-01T00:00:00Z', startAt: '2026-02-01T00:00:00Z' },
      { preset: 'nope', name: 'x' },
      { preset: 'discount', name: '' },
      { preset: 'discount', name: 'x', extra: true },
      { preset: 'gifting', name: 'x', startAt: '2026-01-01T00:00:00Z' },
      { preset: 'discount', name: 'x', recurrence: { rule: 'FREQ=SOMETIMES', duration: 'PT1H' } },
      { preset: 'discount', name: 'x', recurrence: { rule: 'FREQ=WEEKLY', duration: '2 days' } },
      { preset: 'discount', name: 'x', timezone: 'Mars/Olympus' },
      { preset: 'discount', name: 'x', content: JSON.parse('{"__proto__":{"polluted":true}}') as unknown },
      { preset: 'discount', name: 'x'.repeat(201) },
    ];
    for (const input of bad) {
      const error = await h.rt.create(input as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.length).toBeGreaterThan(0);
    }
    const badCommands: unknown[] = [
      { type: 'LAUNCH' },
      { type: 'PAUSE', now: true },
      { type: 'UPDATE', patch: { preset: 'journey' } },
      { type: 'UPDATE', patch: { endAt: 'tomorrow' } },
      { type: 'REACTIVATE', endAt: 5 },
      { type: 'SYSTEM_FAULT' },
      null,
      'PAUSE',
    ];
    for (const command of badCommands) {
      await expect(h.rt.send(c.id, command as never), JSON.stringify(command)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(h.rt.send(c.id, { type: 'PUBLISH' }, { expectedVersion: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(h.rt.send(c.id, { type: 'PUBLISH' }, { source: 'root' } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await snapshotOfStore(h)).toEqual(before);
  });

  it('refusals are typed, carry status, command, allowed and reason, and change nothing', async () => {
    h = await harness(kind);
    const c = await h.rt.create({ preset: 'gifting', name: 'G' });
    const before = await snapshotOfStore(h);
    const error = await h.rt.send(c.id, { type: 'ACTIVATE' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransitionRejectedError);
    expect(error).toMatchObject({
      name: 'TransitionRejectedError',
      status: 'Draft',
      command: 'ACTIVATE',
      allowed: ['UPDATE'],
      reason: expect.stringMatching(/product/),
    });
    await expect(h.rt.send(c.id, { type: 'SYSTEM_FAULT', reason: 'x' })).rejects.toMatchObject({
      command: 'SYSTEM_FAULT',
      reason: expect.stringMatching(/system command/),
    });
    await expect(h.rt.send(c.id, { type: 'PUBLISH' })).rejects.toMatchObject({ reason: expect.stringMatching(/use ACTIVATE/) });
    await h.rt.send(c.id, { type: 'UPDATE', patch: { products: ['mug'] } });
    await h.rt.send(c.id, { type: 'ACTIVATE' });
    await expect(h.rt.delete(c.id)).rejects.toMatchObject({ name: 'TransitionRejectedError', command: 'DELETE', status: 'Active' });
    expect((await h.rt.history(c.id)).length).toBe(before.histories[0]!.length + 2);
  });

  it('unknown ids are NotFoundError everywhere; a deleted campaign is gone but its copy lives', async () => {
    h = await harness(kind);
    await expect(h.rt.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.rt.send('nope', { type: 'PAUSE' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.rt.history('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.rt.forecast('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.rt.delete('nope')).rejects.toBeInstanceOf(NotFoundError);
    const c = await h.rt.create({ preset: 'discount', name: 'D', labels: ['spring'], startAt: iso(h.clock.now() + DAY) });
    const copy = await h.rt.duplicate(c.id, { name: 'D again' });
    expect(copy).toMatchObject({ name: 'D again', labels: ['spring'], startAt: null, status: 'Draft', version: 1 });
    await h.rt.delete(c.id);
    await expect(h.rt.get(c.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.rt.send(c.id, { type: 'PUBLISH' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await h.rt.list()).map((v) => v.id)).toEqual([copy.id]);
    expect((await h.rt.history(copy.id))[0]).toMatchObject({ event: 'CREATE', detail: { duplicatedFrom: c.id } });
  });

  it('a chosen id must be free', async () => {
    h = await harness(kind);
    await h.rt.create({ preset: 'discount', name: 'D' }, { id: 'spring-2026' });
    await expect(h.rt.create({ preset: 'discount', name: 'D' }, { id: 'spring-2026' })).rejects.toBeInstanceOf(ConflictError);
    await h.restart();
    await expect(h.rt.create({ preset: 'discount', name: 'D' }, { id: 'spring-2026' })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('listing', () => {
  it('pages through campaigns newest first with filters', async () => {
    const h = await harness('sqlite');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push((await h.rt.create({ preset: i % 2 ? 'discount' : 'gifting', name: `C${i}`, products: ['p'] })).id);
        await h.clock.advanceBy(1000);
      }
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.rt.listPage({ limit: 3, ...(after ? { after } : {}) });
        seen.push(...page.items.map((v) => v.id));
        if (!page.next) break;
        after = page.next;
      }
      expect(seen).toEqual([...ids].reverse());
      expect((await h.rt.list({ preset: 'discount' })).map((v) => v.name)).toEqual(['C5', 'C3', 'C1']);
      expect((await h.rt.list({ status: ['Draft'], limit: 2 })).length).toBe(2);
      expect(await h.rt.counts({ preset: 'gifting' })).toEqual({ Draft: 4, Active: 0, Paused: 0, Expired: 0 });
    } finally {
      await h.close();
    }
  });
});
