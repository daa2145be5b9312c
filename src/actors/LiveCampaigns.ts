import { type Actor, createActor } from 'xstate';
import { type ArmedTimer, armedTimers, type CampaignSnapshot } from '../machines/armedTimers.js';
import type { CampaignEvent } from '../machines/CampaignCommand.js';
import type { CampaignDefinition } from '../machines/CampaignDefinition.js';
import { campaignLogic, type PersistedCampaign } from '../machines/campaignLogic.js';
import { campaignMachine } from '../machines/campaignMachine.js';
import { phaseOf } from '../machines/phase.js';
import { type PresetName, statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';
import { storedSnapshot } from '../machines/storedSnapshot.js';
import { StoredSnapshotError } from '../machines/StoredSnapshotError.js';
import type { ViewMeta } from '../machines/CampaignView.js';
import type { CampaignRecord, CampaignStore } from '../persistence/CampaignStore.js';
import type { InspectOption } from './CampaignRuntime.js';
import { CampaignUnreadableError, NotFoundError } from './errors.js';
import type { Quarantine } from './Quarantine.js';

/** XState's own scheduler never fires anything: the runtime owns every timer. */
const INERT_CLOCK = { setTimeout: () => 0, clearTimeout: () => {} };

/** A started actor: only while an inspector watches (it emits the inspection events). */
export type CampaignActor = Actor<typeof campaignMachine>;

/**
 * A campaign held in memory — its statechart snapshot, advanced by pure transitions (or by an
 * actor while an inspector watches) — with what the store knows of it.
 */
export interface LiveCampaign extends ViewMeta {
  readonly preset: PresetName;
  /** The statechart's state after the last change applied. */
  snapshot: CampaignSnapshot;
  /** Only with an inspector: the actor whose snapshot `snapshot` is. */
  readonly actor: CampaignActor | null;
  /** The version of the last change applied (durable once `pending` is 0). */
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
  /** With an inspector, every live campaign is a started actor that reports to it. */
  inspect?: InspectOption | undefined;
  /** Whether a campaign has work queued (such a campaign is never evicted). */
  busy: (id: string) => boolean;
  /** Where unreadable records are reported (and released once they read again). */
  quarantine: Quarantine;
  /**
   * Other runtimes write the same store (`sharing: 'shared'`): reads always come from the store;
   * a cached campaign is the basis of a command only optimistically (the commit's version check
   * refuses a write built on a stale one) and timers load what is stored.
   */
  shared?: boolean;
}

/**
 * The snapshot of a stored record, migrated to this code's statechart version and checked (see
 * {@link storedSnapshot}); else {@link CampaignUnreadableError}, its cause the
 * {@link StoredSnapshotError} that says what is wrong.
 */
export function restoreSnapshot(record: Pick<CampaignRecord, 'id' | 'snapshot'>): CampaignSnapshot {
  try {
    return storedSnapshot.read(record.id, record.snapshot).snapshot;
  } catch (error) {
    if (error instanceof StoredSnapshotError) throw new CampaignUnreadableError(record.id, error.reason, { cause: error });
    throw error;
  }
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
  readonly #quarantine: Quarantine;
  readonly #shared: boolean;
  readonly #cache = new Map<string, LiveCampaign>();

  constructor(options: LiveCampaignsOptions) {
    this.#store = options.store;
    this.#max = options.maxLive;
    this.#inspect = options.inspect;
    this.#busy = options.busy;
    this.#quarantine = options.quarantine;
    this.#shared = options.shared ?? false;
  }

  get size(): number {
    return this.#cache.size;
  }

  /**
   * The live campaign, from the cache (marked most recently used) or restored from the store.
   * On a shared store a `verified` load asks the store for the campaign first (or takes
   * `prefetched`, a record just read) and uses the cached campaign only when it is still
   * current; an unverified one trusts the cache, and whoever acts on it must let the store's
   * version check (or {@link isCurrent}) stand behind its decision.
   */
  async load(id: string, verified = true, prefetched?: CampaignRecord): Promise<LiveCampaign> {
    const cached = this.#cache.get(id);
    if (cached && (!this.#shared || !verified)) {
      if (cached.deleted) throw new NotFoundError(id);
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      return cached;
    }
    const record = prefetched ?? (await this.#store.get(id));
    if (!record) {
      if (cached) this.remove(cached); // deleted by another runtime
      throw new NotFoundError(id);
    }
    if (cached && cached.version === record.version && cached.pending === 0 && !cached.deleted) {
      this.#cache.delete(id);
      this.#cache.set(id, cached);
      return cached;
    }
    if (cached) this.remove(cached); // another runtime moved it on: start from what is stored
    const restored = this.read(record);
    const actor = this.#inspect ? this.actorFor(id, { snapshot: campaignLogic.persist(restored) }) : null;
    const snapshot = actor ? actor.getSnapshot() : restored;
    return this.add({
      id,
      preset: record.preset as PresetName,
      snapshot,
      actor,
      version: record.version,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      timers: armedTimers(snapshot),
      pending: 0,
      deleted: false,
    });
  }

  /** A new campaign, at version 0 until its first write. */
  create(id: string, definition: CampaignDefinition, now: number): LiveCampaign {
    const actor = this.#inspect ? this.actorFor(id, { input: definition }) : null;
    const snapshot = actor ? actor.getSnapshot() : campaignLogic.start(definition);
    return this.add({
      id,
      preset: definition.preset,
      snapshot,
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

  /**
   * Whether a live campaign is what the store holds (no write in flight, same version); one that
   * is not is forgotten, so the next load reads the store.
   */
  async isCurrent(live: LiveCampaign): Promise<boolean> {
    if (!this.#shared) return true;
    const record = live.pending === 0 && !live.deleted ? await this.#store.get(live.id) : null;
    if (record?.version === live.version) return true;
    this.forget(live);
    return false;
  }

  /** Another runtime committed `version` of a campaign: a cached actor behind it is forgotten. */
  outdated(id: string, version: number): void {
    const cached = this.#cache.get(id);
    if (!cached || cached.pending > 0 || cached.version >= version) return;
    if (this.#busy(id)) this.forget(cached);
    else this.remove(cached);
  }

  /**
   * Applies `event` to a live campaign (its actor's `send` while inspected); the campaign keeps
   * the next snapshot. A statechart that throws leaves the campaign forgotten (the next load
   * reads the store) and the error thrown.
   */
  send(live: LiveCampaign, event: CampaignEvent): CampaignSnapshot {
    try {
      if (live.actor) {
        live.actor.send(event);
        const snapshot = live.actor.getSnapshot();
        if (snapshot.status === 'error' || snapshot.status === 'stopped') throw snapshot.error ?? new Error(`the actor is ${snapshot.status}`);
        live.snapshot = snapshot;
      } else {
        live.snapshot = campaignLogic.next(live.snapshot, event);
      }
      return live.snapshot;
    } catch (error) {
      this.forget(live);
      throw new Error(`Campaign ${live.id}: the statechart failed on ${event.type} (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
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
    if (live && live.pending === 0 && !live.deleted && !this.#shared) return { snapshot: live.snapshot, meta: live };
    const record = await this.#store.get(id);
    return record ? { snapshot: this.committedSnapshot(record), meta: record } : null;
  }

  /** The snapshot of a stored record: the live actor's when it is at that version, else restored. */
  committedSnapshot(record: CampaignRecord): CampaignSnapshot {
    const live = this.#cache.get(record.id);
    if (live && live.version === record.version && !live.deleted) return live.snapshot;
    return this.read(record);
  }

  /** A stored record's snapshot; an unreadable one is quarantined, a readable one released. */
  private read(record: CampaignRecord): CampaignSnapshot {
    try {
      const snapshot = restoreSnapshot(record);
      if (this.#quarantine.has(record.id)) this.#quarantine.release(record.id);
      return snapshot;
    } catch (error) {
      if (error instanceof CampaignUnreadableError) this.#quarantine.add(record.id, error.reason);
      throw error;
    }
  }

  /** Forgets a campaign whose memory may be ahead of the store (a failed write): the next load reads what is durable. */
  forget(live: LiveCampaign): void {
    if (this.#cache.get(live.id) === live) this.#cache.delete(live.id);
  }

  /** Removes a campaign from memory (and stops its actor, if inspected). */
  remove(live: LiveCampaign): void {
    this.forget(live);
    live.actor?.stop();
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
      live.actor?.stop();
    }
  }

  /** Stops every live actor. */
  clear(): void {
    for (const live of this.#cache.values()) live.actor?.stop();
    this.#cache.clear();
  }

  private add(live: LiveCampaign): LiveCampaign {
    this.#cache.set(live.id, live);
    this.evict();
    return live;
  }

  /** A started actor reporting to the inspector: from a stored snapshot, or a new campaign's input. */
  private actorFor(id: string, from: { snapshot: PersistedCampaign } | { input: CampaignDefinition }): CampaignActor {
    const input = 'input' in from ? from.input : (undefined as unknown as CampaignDefinition);
    const snapshot = 'snapshot' in from ? { snapshot: from.snapshot as CampaignSnapshot } : {};
    return createActor(campaignMachine, { id, clock: INERT_CLOCK, input, ...snapshot, ...(this.#inspect ? { inspect: this.#inspect } : {}) }).start();
  }
}
