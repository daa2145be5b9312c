import type { CampaignRuntime, RuntimeOptions } from './actors/CampaignRuntime.js';
import { openCampaignRuntime } from './actors/openCampaignRuntime.js';
import { connectInspector } from './inspector/connectInspector.js';
import { sqliteStore } from './persistence/sqlite/sqliteStore.js';

/** Options of {@link createCampaignRuntime}: the runtime's, with a default store and an inspector URL. */
export interface CampaignRuntimeOptions extends Omit<RuntimeOptions, 'store' | 'inspect'> {
  /** Where campaigns live. Default: `sqliteStore()` at `./data/campaigns.db`. */
  store?: RuntimeOptions['store'];
  /**
   * Inspect every hosted actor: `{ url }` of a Stately inspector WebSocket server (e.g.
   * `createInspectorServer` from `@statelyai/inspect/server`; the runtime connects, reconnects and
   * disconnects on `stop()`), or any inspection observer.
   */
  inspect?: RuntimeOptions['inspect'] | { url: string };
}

/**
 * Opens the store, catches up every timer that fell due while nothing ran (in due order), and
 * returns a running campaign runtime.
 *
 * @example
 * ```ts
 * const rt = await createCampaignRuntime();                 // SQLite at ./data/campaigns.db
 * const c = await rt.create({ preset: 'gifting', name: 'Q4 gifts', products: ['mug'] });
 * await rt.send(c.id, { type: 'ACTIVATE' });
 * await rt.stop();
 * ```
 */
export async function createCampaignRuntime(options: CampaignRuntimeOptions = {}): Promise<CampaignRuntime> {
  const { store, inspect, onStop, ...rest } = options;
  const inspector = inspect && 'url' in inspect ? connectInspector({ url: inspect.url }) : null;
  try {
    return await openCampaignRuntime({
      ...rest,
      store: store ?? sqliteStore(),
      ...(inspector ? { inspect: inspector.inspect } : inspect && !('url' in inspect) ? { inspect } : {}),
      onStop: async () => {
        inspector?.stop();
        await onStop?.();
      },
    });
  } catch (error) {
    inspector?.stop();
    throw error;
  }
}
