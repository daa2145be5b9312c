import { describe, expect, it } from 'vitest';
import { Idempotency } from '../../src/actors/Idempotency.js';
import { ConflictError, IdempotencyKeyReusedError } from '../../src/actors/errors.js';
import type { CampaignView } from '../../src/machines/CampaignView.js';

const view = (id: string) => ({ id, version: 1 }) as CampaignView;

/** A store that knows the results of some command ids. */
const storeWith = (stored: Record<string, { campaignId: string; type: string; view: CampaignView | null; fingerprint?: string }> = {}) => {
  const reads: string[] = [];
  return {
    reads,
    store: {
      idempotency: async (commandId: string) => {
        reads.push(commandId);
        const hit = stored[commandId];
        return hit ? { campaignId: hit.campaignId, result: JSON.stringify({ type: hit.type, view: hit.view, fingerprint: hit.fingerprint }) } : null;
      },
    },
  };
};

describe('Idempotency', () => {
  it('runs a command without a command id, without asking the store', async () => {
    const { store, reads } = storeWith();
    await expect(new Idempotency(store).run(undefined, { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, async () => view('c'))).resolves.toEqual(view('c'));
    expect(reads).toEqual([]);
  });

  it('returns the stored result of a command id already applied, without running it again', async () => {
    const { store } = storeWith({ k: { campaignId: 'c', type: 'PAUSE', view: view('c'), fingerprint: 'f' } });
    let ran = 0;
    const result = await new Idempotency(store).run('k', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, async () => {
      ran++;
      return view('other');
    });
    expect(result).toEqual(view('c'));
    expect(ran).toBe(0);
  });

  it('shares one run between concurrent calls with the same command id', async () => {
    const { store } = storeWith();
    const idempotency = new Idempotency(store);
    let ran = 0;
    const apply = async () => {
      ran++;
      await new Promise((r) => setTimeout(r, 5));
      return view('c');
    };
    const [a, b] = await Promise.all([
      idempotency.run('k', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, apply),
      idempotency.run('k', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, apply),
    ]);
    expect(ran).toBe(1);
    expect(a).toBe(b);
  });

  it('refuses a command id used for another command or another campaign (stored or in flight)', async () => {
    const { store } = storeWith({ k: { campaignId: 'c', type: 'PAUSE', view: view('c') } });
    const idempotency = new Idempotency(store);
    await expect(idempotency.run('k', { campaignId: 'c', type: 'RESUME', fingerprint: 'f' }, async () => view('c'))).rejects.toBeInstanceOf(ConflictError);
    await expect(idempotency.run('k', { campaignId: 'd', type: 'PAUSE', fingerprint: 'f' }, async () => view('d'))).rejects.toThrow(/already used for another request \(PAUSE on campaign c\)/);
    const slow = idempotency.run('fresh', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, () => new Promise<CampaignView>((r) => setTimeout(() => r(view('c')), 5)));
    await expect(idempotency.run('fresh', { campaignId: 'c', type: 'END', fingerprint: 'f' }, async () => view('c'))).rejects.toBeInstanceOf(ConflictError);
    await slow;
  });

  it('refuses the same id with another payload (a different fingerprint), stored or in flight, as IdempotencyKeyReusedError', async () => {
    const { store } = storeWith({ k: { campaignId: 'c', type: 'UPDATE', view: view('c'), fingerprint: 'patch-1' } });
    const idempotency = new Idempotency(store);
    const error = await idempotency.run('k', { campaignId: 'c', type: 'UPDATE', fingerprint: 'patch-2' }, async () => view('c')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ commandId: 'k', usedFor: { campaignId: 'c', type: 'UPDATE' } });
    const slow = idempotency.run('x', { campaignId: 'c', type: 'UPDATE', fingerprint: 'a' }, () => new Promise<CampaignView>((r) => setTimeout(() => r(view('c')), 5)));
    await expect(idempotency.run('x', { campaignId: 'c', type: 'UPDATE', fingerprint: 'b' }, async () => view('c'))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await slow;
  });

  it('accepts a stored result without a fingerprint (a store written before fingerprints) by command and campaign', async () => {
    const { store } = storeWith({ old: { campaignId: 'c', type: 'PAUSE', view: view('c') } });
    await expect(new Idempotency(store).run('old', { campaignId: 'c', type: 'PAUSE', fingerprint: 'any' }, async () => view('x'))).resolves.toEqual(view('c'));
  });

  it('forgets a failed run: the same id may be tried again', async () => {
    const { store } = storeWith();
    const idempotency = new Idempotency(store);
    await expect(idempotency.run('k', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(idempotency.run('k', { campaignId: 'c', type: 'PAUSE', fingerprint: 'f' }, async () => view('c'))).resolves.toEqual(view('c'));
  });
});
