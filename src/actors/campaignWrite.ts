import type { CampaignCommand } from '../machines/CampaignCommand.js';
import type { CampaignContext } from '../machines/CampaignContext.js';
import type { CampaignView } from '../machines/CampaignView.js';
import { toIso } from '../machines/Instant.js';
import type { CampaignWrite, Change, ChangeSource } from '../persistence/CampaignStore.js';
import { storedSnapshot } from '../machines/storedSnapshot.js';
import type { CampaignSnapshot } from '../machines/armedTimers.js';
import type { LiveCampaign } from './LiveCampaigns.js';

/** What a write is built from: a live campaign, or — to delete an unreadable one — its stored facts without a snapshot. */
export type CampaignState = Omit<LiveCampaign, 'snapshot' | 'actor' | 'pending'> & { readonly snapshot?: CampaignSnapshot };

/** What happened to a campaign, as its history entry will say. */
export interface ChangeEntry {
  event: string;
  source: ChangeSource;
  /** Status before (null on create). */
  from: string | null;
  /** When it was applied (a timer: when it fired). */
  at: number;
  /** A timer: when it was due. */
  dueAt: number | null;
  commandId: string | null;
  /** Details kept as JSON (an UPDATE's patch, a fault's reason, …). */
  detail: unknown;
}

/** What a retry of an idempotent command returns: stored as JSON with the write. */
export interface IdempotentResult {
  type: string;
  view: CampaignView | null;
  /** The request's fingerprint (absent in stores written before 0.2). */
  fingerprint?: string;
}

/**
 * The one place a store write is built: the live campaign as it is now (its snapshot, status,
 * version and timers — or its removal when deleted), moving the store from `fromVersion`, with
 * the history entry of the change (none for a timers-only repair) and the idempotency record of
 * the command that caused it.
 */
export function campaignWrite(
  live: CampaignState,
  fromVersion: number,
  entry: ChangeEntry | null,
  idempotent?: { commandId: string; result: IdempotentResult },
): CampaignWrite {
  const change: Omit<Change, 'seq' | 'preset'> | null = entry && {
    campaignId: live.id,
    version: live.version,
    at: entry.at,
    dueAt: entry.dueAt,
    event: entry.event,
    source: entry.source,
    from: entry.from,
    to: live.deleted ? null : live.status,
    commandId: entry.commandId,
    detail: entry.detail === null ? null : JSON.stringify(entry.detail),
  };
  if (!live.deleted && !live.snapshot) throw new Error(`Campaign ${live.id}: only a deletion is written without its snapshot`);
  return {
    campaignId: live.id,
    preset: live.preset,
    fromVersion,
    record:
      live.deleted || !live.snapshot
        ? null
        : {
          id: live.id,
          preset: live.preset,
          status: live.status,
          name: live.snapshot.context.name,
          version: live.version,
          snapshot: storedSnapshot.write(live.snapshot),
          createdAt: live.createdAt,
          updatedAt: live.updatedAt,
        },
    timers: live.deleted ? [] : live.timers.map((t) => ({ campaignId: live.id, timer: t.timer, eventType: t.eventType, dueAt: t.dueAt })),
    change,
    ...(idempotent ? { idempotency: { commandId: idempotent.commandId, result: JSON.stringify(idempotent.result) } } : {}),
  };
}

const DATE_FIELDS = ['startAt', 'endAt', 'visibleAt'] as const;

/**
 * What a command's history entry keeps beside its type: an UPDATE's patch (dates as ISO), a
 * fault's reason, a RESUME's extended dates (both instants) when the campaign extends them.
 */
export function commandDetail(command: CampaignCommand, before?: CampaignContext, after?: CampaignContext): unknown {
  if (command.type === 'SYSTEM_FAULT') return { reason: command.reason };
  if (command.type === 'RESUME') {
    if (!before || !after) return null;
    const extended: Record<string, { from: string | null; to: string | null }> = {};
    if (before.endAt !== after.endAt) extended['endAt'] = { from: toIso(before.endAt), to: toIso(after.endAt) };
    const [was, is] = [before.occurrence?.end ?? null, after.occurrence?.end ?? null];
    if (was !== null && is !== null && was !== is && before.occurrence?.start === after.occurrence?.start) {
      extended['occurrenceEnd'] = { from: toIso(was), to: toIso(is) };
    }
    return Object.keys(extended).length > 0 ? { extended } : null;
  }
  if (command.type !== 'UPDATE') return null;
  const patch: Record<string, unknown> = { ...command.patch };
  for (const field of DATE_FIELDS) {
    const value = command.patch[field];
    if (value !== undefined) patch[field] = toIso(value);
  }
  if (!before) return { patch };
  // what each patched field held before, so history says "from → to"
  const previous: Record<string, unknown> = {};
  for (const field of Object.keys(command.patch) as (keyof typeof command.patch & keyof CampaignContext)[]) {
    const value = before[field];
    previous[field] = (DATE_FIELDS as readonly string[]).includes(field) ? toIso(value as number | null) : (value ?? null);
  }
  return { patch, before: previous };
}
