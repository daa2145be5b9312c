import { type Actor, createActor } from 'xstate';
import { type ArmedTimer, armedTimers, type CampaignSnapshot } from '../machines/armedTimers.js';
import type { CampaignDefinition } from '../machines/CampaignDefinition.js';
import { campaignMachine } from '../machines/campaignMachine.js';
import { phaseOf } from '../machines/phase.js';
import { type PresetName, statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';
import type { ViewMeta } from '../machines/CampaignView.js';
import type { CampaignRecord, CampaignStore } from '../persistence/CampaignStore.js';
import type { InspectOption } from './CampaignRuntime.js';
import { NotFoundError } from './errors.js';

/** XState's own scheduler never fires anything: the runtime owns every timer. */
const INERT_CLOCK = { setTimeout: () => 0, clearTimeout: () => {} };

export type CampaignActor = Actor<typeof campaignMachine>;

/** A campaign held in memory as a started actor, with what the store knows of it. */
export interface LiveCampaign extends ViewMeta {
  readonly preset: PresetName;
  readonly actor: CampaignActor;
  /** The version of the last change applied to the actor (durable once `pending` is 0). */
  version: number;
  status: string;
  /** The timers the snapshot arms, earliest first. */
  timers: ArmedTimer[];
  /** Writes enqueued and not yet durable: a live campaign with pending writes is never evicted. */
  pending: number;
  deleted: boolean;
}

/** A snapshot as it was committed, and the stored facts beside it. */
export interface CommittedCampaign {
  snapshot: CampaignSnapshot;
  meta: ViewMeta;
}

export interface LiveCampaignsOptions {
  store: Pick<CampaignStore, 'get'>;
  /** Idle campaigns kept in memory; beyond it the least recently used are evicted. */
  maxLive: number;
  inspect?: InspectOption | undefined;
  /** Whether a campaign has work queued (such a campaign is never evicted). */
  busy: (id: string) => boolean;
}

/** The snapshot a stored record holds, restored without starting an actor. */
export function restoreSnapshot(record: Pick<CampaignRecord, 'snapshot'>): CampaignSnapshot {
  return createActor(campaignMachine, {
    snapshot: JSON.parse(record.snapshot) as CampaignSnapshot,
    input: undefined as unknown as CampaignDefinition,
    clock: INERT_CLOCK,
  }).getSnapshot();
}

/**
 * The live-actor cache: campaigns are loaded from the store on demand, kept while busy or
 * recently used, and evicted beyond `maxLive` — a million stored campaigns are a million rows,
 * not a million actors. Call `load` inside the campaign's lane.
 */
export class LiveCampaigns {
  readonly #store: Pick<CampaignStore, 'get'>;
  readonly #max: number;
  readonly #inspect: InspectOption | undefined;
  readonly #busy: (id: string) => boolean;
  readonly #cache = new Map<string, LiveCampaign>();

  constructor(options: LiveCampaignsOptions) {
    this.#store = options.store;
    this.#max = options.maxLive;
    this.#inspect = options.inspect;
    this.#busy = options.busy;
  }

  get size(): number {
    return this.#cache.size;
  }

  /** The live campaign, from the cache (marked most recently used) or restored from the store. */
  async load(id: string): Promise<LiveCampaign> {
    const cached = this.#cache.get(id);
    if (cached) {
      if (cached.deleted) throw new NotFoundError(id);
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      return cached;
    }
    const record = await this.#store.get(id);
    if (!record) throw new NotFoundError(id);
    const actor = this.start(id, { snapshot: JSON.parse(record.snapshot) });
    return this.add({
      id,
      preset: record.preset as PresetName,
      actor,
      version: record.version,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      timers: armedTimers(actor.getSnapshot()),
      pending: 0,
      deleted: false,
    });
  }

  /** A new campaign, at version 0 until its first write. */
  create(id: string, definition: CampaignDefinition, now: number): LiveCampaign {
    const actor = this.start(id, { input: definition });
    const snapshot = actor.getSnapshot();
    return this.add({
      id,
      preset: definition.preset,
      actor,
      version: 0,
      status: statusLabel(presets[definition.preset], phaseOf(snapshot.value)),
      createdAt: now,
      updatedAt: now,
      timers: armedTimers(snapshot),
      pending: 0,
      deleted: false,
    });
  }

  /** Whether a campaign is live (no I/O). */
  has(id: string): boolean {
    return this.#cache.has(id);
  }

  /**
   * The committed snapshot of a campaign for reading: the live one when it has no write in
   * flight, else the stored one. `null` when it does not exist.
   */
  async committed(id: string): Promise<CommittedCampaign | null> {
    const live = this.#cache.get(id);
    if (live && live.pending === 0 && !live.deleted) return { snapshot: live.actor.getSnapshot(), meta: live };
    const record = await this.#store.get(id);
    return record ? { snapshot: this.committedSnapshot(record), meta: record } : null;
  }

  /** The snapshot of a stored record: the live actor's when it is at that version, else restored. */
  committedSnapshot(record: CampaignRecord): CampaignSnapshot {
    const live = this.#cache.get(record.id);
    if (live && live.version === record.version && !live.deleted) return live.actor.getSnapshot();
    return restoreSnapshot(record);
  }

  /** Forgets a campaign whose memory may be ahead of the store (a failed write): the next load reads what is durable. */
  forget(live: LiveCampaign): void {
    if (this.#cache.get(live.id) === live) this.#cache.delete(live.id);
  }

  /** Removes a deleted campaign and stops its actor. */
  remove(live: LiveCampaign): void {
    this.forget(live);
    live.actor.stop();
  }

  /**
   * Evicts the least recently used idle campaigns, in bulk once the cache is 10 % over its limit
   * (one pass over the oldest entries instead of a deletion per new entry).
   */
  evict(): void {
    if (this.#cache.size <= this.#max + Math.max(1, Math.floor(this.#max / 10))) return;
    for (const [id, live] of this.#cache) {
      if (this.#cache.size <= this.#max) break;
      if (live.pending > 0 || this.#busy(id)) continue;
      this.#cache.delete(id);
      live.actor.stop();
    }
  }

  /** Stops every live actor. */
  clear(): void {
    for (const live of this.#cache.values()) live.actor.stop();
    this.#cache.clear();
  }

  private add(live: LiveCampaign): LiveCampaign {
    this.#cache.set(live.id, live);
    this.evict();
    return live;
  }

  private start(id: string, init: { input: CampaignDefinition } | { snapshot: unknown }): CampaignActor {
    return createActor(campaignMachine, {
      id,
      clock: INERT_CLOCK,
      ...(this.#inspect ? { inspect: this.#inspect } : {}),
      ...('snapshot' in init
        ? { snapshot: init.snapshot as CampaignSnapshot, input: undefined as unknown as CampaignDefinition }
        : { input: init.input }),
    }).start();
  }
}
