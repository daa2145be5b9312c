import { type CampaignStore, StoreFullError } from '../../src/index.js';

/**
 * A real store with a switch that makes its writes fail as a full disk does (the same typed error
 * the SQLite adapter raises for SQLITE_FULL), counting every call — to see a fault, its backoff
 * and the recovery without filling a real disk.
 */
export function faultyStore(store: CampaignStore): { store: CampaignStore; calls: Record<string, number>; fill(): void; free(): void } {
  let full = false;
  const calls: Record<string, number> = {};
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(key)] = (calls[String(key)] ?? 0) + 1;
        if (key === 'commit' && full) return Promise.reject(new StoreFullError('/data/campaigns.db'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store: wrapped,
    calls,
    fill: () => {
      full = true;
    },
    free: () => {
      full = false;
    },
  };
}
