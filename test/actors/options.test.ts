/** Every option and every field of host data has a bound (issue 9): out of bounds is a ValidationError and nothing starts or is written. */
import { describe, expect, it } from 'vitest';
import { createCampaignRuntime, createManualClock, memoryStore, ValidationError } from '../../src/index.js';

describe('bounds', () => {
  it.each([
    { timerBatchSize: 0 },
    { timerBatchSize: 1.5 },
    { maxLiveActors: -1 },
    { maxLiveActors: 10_000_000 },
    { timerRetry: { initialMs: 0, maxMs: 10 } },
    { timerRetry: { initialMs: 5_000, maxMs: 1_000 } },
    { store: {} },
    { clock: { now: () => 0 } },
    { onError: 'log' },
    { colour: 'red' },
  ])('refuses runtime option %o', async (bad) => {
    const store = memoryStore();
    let opened = false;
    store.open = async () => {
      opened = true;
    };
    await expect(createCampaignRuntime({ store, clock: createManualClock('2026-01-01T00:00:00Z'), ...(bad as object) })).rejects.toBeInstanceOf(ValidationError);
    expect(opened).toBe(false);
  });

  it('refuses host data past its size: a 20 MB audience, a 5 KB product, 1,001 products', async () => {
    const store = memoryStore();
    const rt = await createCampaignRuntime({ store, clock: createManualClock('2026-01-01T00:00:00Z') });
    const huge = { mode: 'list', ids: 'x'.repeat(20 * 1024 * 1024) };
    for (const definition of [
      { preset: 'journey', name: 'Big audience', audience: huge },
      { preset: 'gifting', name: 'Big product', products: [{ id: 'p', spec: 'x'.repeat(5 * 1024) }] },
      { preset: 'gifting', name: 'Many products', products: Array.from({ length: 1001 }, (_, i) => `p${i}`) },
    ]) {
      const error = await rt.create(definition as never).catch((e: unknown) => e);
      expect(error, definition.name).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message.length).toBeLessThan(2_000);
    }
    const c = await rt.create({ preset: 'journey', name: 'Small' });
    await expect(rt.send(c.id, { type: 'UPDATE', patch: { audience: huge } })).rejects.toBeInstanceOf(ValidationError);
    expect(await rt.list()).toHaveLength(1);
    await rt.stop();
  });
});
