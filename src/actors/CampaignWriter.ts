import type { ArmedTimer } from '../machines/armedTimers.js';
import { armedTimers } from '../machines/armedTimers.js';
import { type CampaignView, toView } from '../machines/CampaignView.js';
import { phaseOf } from '../machines/phase.js';
import { statusLabel } from '../machines/Preset.js';
import { presets } from '../machines/presets/index.js';
import type { PresetName } from '../machines/Preset.js';
import type { CampaignRecord, CampaignWrite } from '../persistence/CampaignStore.js';
import { StoreConflictError } from '../persistence/errors.js';
import { type CampaignState, campaignWrite, type ChangeEntry } from './campaignWrite.js';
import { StaleCampaignError } from './errors.js';
import type { GroupCommit } from './GroupCommit.js';
import type { LiveCampaign, LiveCampaigns } from './LiveCampaigns.js';

/** The view of a live campaign at `now`. */
export function viewOf(live: LiveCampaign, now: number): CampaignView {
  return toView(live.snapshot, live, now, live.timers);
}

/** A change to write, with what the writer needs beyond its history entry. */
export interface Transition extends ChangeEntry {
  /** With a `commandId`: the request's fingerprint; the result is stored under the id (a retry returns it). */
  fingerprint?: string | undefined;
  /** The timer that caused it, if any: it is not re-armed by the same snapshot. */
  firedTimer?: ArmedTimer;
}

/** The idempotency record of a change made by a command with a `commandId`. */
const idempotency = (entry: ChangeEntry & { fingerprint?: string | undefined }, view: CampaignView | null) =>
  entry.commandId !== null && entry.fingerprint !== undefined
    ? { commandId: entry.commandId, result: { type: entry.event, view, fingerprint: entry.fingerprint } }
    : undefined;

/**
 * Writes what happened to live campaigns: after the actor took a transition, derives the new
 * status, timers and version, builds the write ({@link campaignWrite}) and hands it to the group
 * commit. A write that fails leaves memory ahead of the store, so the campaign is forgotten and
 * the next access reloads what is durable.
 */
export class CampaignWriter {
  readonly #commits: GroupCommit;
  readonly #live: LiveCampaigns;

  constructor(commits: GroupCommit, live: LiveCampaigns) {
    this.#commits = commits;
    this.#live = live;
  }

  /** Writes the transition the live actor just took; resolves once durable with the view (null for a timer). */
  transitioned(live: LiveCampaign, transition: Transition): Promise<CampaignView | null> {
    const snapshot = live.snapshot;
    const fromVersion = live.version;
    live.version += 1;
    live.status = statusLabel(presets[live.preset], phaseOf(snapshot.value));
    live.updatedAt = transition.at;
    live.timers = armedTimers(snapshot);
    const fired = transition.firedTimer;
    if (fired) live.timers = live.timers.filter((t) => !(t.eventType === fired.eventType && t.dueAt <= fired.dueAt));
    const view = transition.source === 'timer' ? null : viewOf(live, transition.at);
    return this.enqueue(live, campaignWrite(live, fromVersion, transition, idempotency(transition, view))).then(() => view);
  }

  /** Deletes a live campaign; resolves once durable. `view` is what a retry of `commandId` returns. */
  async deleted(live: LiveCampaign, entry: ChangeEntry & { fingerprint?: string | undefined }, view: CampaignView): Promise<void> {
    const fromVersion = live.version;
    live.version += 1;
    live.deleted = true;
    live.timers = [];
    await this.enqueue(live, campaignWrite(live, fromVersion, entry, idempotency(entry, view)));
    this.#live.remove(live);
  }

  /**
   * Deletes a campaign whose stored record cannot be read (quarantined): from its stored facts,
   * without an actor; history records why. Resolves once durable.
   */
  async deletedUnreadable(record: CampaignRecord, entry: ChangeEntry & { fingerprint?: string | undefined }): Promise<void> {
    const state: CampaignState = {
      id: record.id,
      preset: record.preset as PresetName,
      version: record.version + 1,
      status: record.status,
      timers: [],
      createdAt: record.createdAt,
      updatedAt: entry.at,
      deleted: true,
    };
    try {
      await this.#commits.enqueue(campaignWrite(state, record.version, entry, idempotency(entry, null)));
    } catch (error) {
      throw error instanceof StoreConflictError ? new StaleCampaignError({ campaignId: record.id, message: error.message }) : error;
    }
  }

  /** Rewrites a campaign's stored timers from its snapshot, without a change (a repair). */
  repair(live: LiveCampaign): Promise<number> {
    return this.enqueue(live, campaignWrite(live, live.version, null));
  }

  private enqueue(live: LiveCampaign, write: CampaignWrite): Promise<number> {
    live.pending += 1;
    return this.#commits.enqueue(write).then(
      (seq) => {
        live.pending -= 1;
        return seq;
      },
      (error: unknown) => {
        live.pending -= 1;
        this.#live.forget(live);
        throw error instanceof StoreConflictError ? new StaleCampaignError({ campaignId: live.id, message: error.message }) : error;
      },
    );
  }
}
