/**
 * An independent oracle for a campaign's history: replays the committed history through the pure
 * statechart (`xstate.transition`, no runtime, no store) and checks, entry by entry, that
 *
 * - versions run 1..n, CREATE first, DELETE (if any) last;
 * - every command the history records is one the statechart accepts in the replayed state, and the
 *   recorded status change is the statechart's;
 * - every timer entry is the earliest timer armed in the replayed state, with its due instant, fired
 *   at or after it — and no command was applied while a timer due at or before it was still pending
 *   (the runtime fires due timers first), so no timer was skipped;
 *
 * and finally that the stored snapshot and stored timers are the replayed ones, and that no armed
 * timer due before `caughtUpAt` is still pending (start-up catch-up lost none).
 */
import { isDeepStrictEqual } from 'node:util';
import { createActor, initialTransition, transition } from 'xstate';
import type { CampaignRecord, Change, TimerRecord } from '../../src/index.js';
import {
  type ArmedTimer,
  armedTimers,
  CampaignCommand,
  CampaignDefinition,
  type CampaignEvent,
  type CampaignSnapshot,
  campaignMachine,
  phaseOf,
  presets,
  statusLabel,
  timerName,
} from '../../src/machines/index.js';

export interface ReplayPayloads {
  /** `create` input by campaign id. */
  definitions: ReadonlyMap<string, unknown>;
  /** Commands sent with a commandId (REACTIVATE always is), by commandId. */
  commands: ReadonlyMap<string, unknown>;
}

export interface ReplayOutcome {
  problems: string[];
  timersFired: number;
  /** Timer entries fired before their due instant. */
  early: number;
  /** Armed timers due before `caughtUpAt` that never fired. */
  lostTimers: number;
  deleted: boolean;
}

const iso = (ms: number | null) => (ms === null ? 'null' : new Date(ms).toISOString());
const statusOf = (snapshot: CampaignSnapshot) => statusLabel(presets[snapshot.context.preset], phaseOf(snapshot.value));

/** A stored snapshot (JSON) as the runtime restores it. */
export function restoreSnapshot(json: string): CampaignSnapshot {
  return createActor(campaignMachine, {
    snapshot: JSON.parse(json) as CampaignSnapshot,
    input: undefined as unknown as CampaignDefinition,
  }).getSnapshot();
}

function commandOf(change: Change, payloads: ReplayPayloads): unknown {
  const detail = change.detail === null ? null : (JSON.parse(change.detail) as Record<string, unknown>);
  switch (change.event) {
    case 'UPDATE':
      return { type: 'UPDATE', patch: detail?.['patch'] };
    case 'SYSTEM_FAULT':
      return { type: 'SYSTEM_FAULT', reason: detail?.['reason'] };
    case 'REACTIVATE':
      return change.commandId === null ? undefined : payloads.commands.get(change.commandId);
    default:
      return { type: change.event };
  }
}

export function replayCampaign(
  campaignId: string,
  changes: readonly Change[],
  payloads: ReplayPayloads,
  stored: { record: CampaignRecord | null; timers: readonly TimerRecord[] },
  caughtUpAt: number,
): ReplayOutcome {
  const problems: string[] = [];
  const out: ReplayOutcome = { problems, timersFired: 0, early: 0, lostTimers: 0, deleted: false };
  const fail = (change: Change | null, message: string) =>
    problems.push(`${campaignId}${change ? ` v${change.version} ${change.event}@${iso(change.at)}` : ''}: ${message}`);

  const [first, ...rest] = changes;
  if (!first || first.event !== 'CREATE' || first.version !== 1) {
    fail(first ?? null, 'history does not start with CREATE at version 1');
    return out;
  }
  const input = payloads.definitions.get(campaignId);
  if (input === undefined) {
    fail(first, 'no create intent for this campaign');
    return out;
  }
  let snapshot = initialTransition(campaignMachine, CampaignDefinition.parse(input))[0];
  let pending: ArmedTimer[] = armedTimers(snapshot);
  let version = 1;

  for (const change of rest) {
    if (out.deleted) {
      fail(change, 'an entry after DELETE');
      break;
    }
    if (change.version !== ++version) {
      fail(change, `version ${change.version}, expected ${version}`);
      version = change.version;
    }
    const from = statusOf(snapshot);
    if (change.from !== from) fail(change, `recorded from ${change.from}, replay is ${from}`);

    if (change.source === 'timer') {
      out.timersFired++;
      const next = pending[0];
      if (change.dueAt === null || change.at < change.dueAt) {
        out.early++;
        fail(change, `timer fired at ${iso(change.at)}, before its due instant ${iso(change.dueAt)}`);
      }
      if (!next) {
        fail(change, 'a timer fired while no timer was armed');
        break;
      }
      const event = { type: next.eventType, at: next.dueAt } as unknown as CampaignEvent;
      const [after] = transition(campaignMachine, snapshot, event);
      const name = timerName(next.timer, after.context);
      if (name !== change.event || next.dueAt !== change.dueAt) {
        fail(change, `fired ${change.event} due ${iso(change.dueAt)}, but the earliest armed timer is ${name} due ${iso(next.dueAt)}`);
        break;
      }
      snapshot = after;
      const rearmed = armedTimers(snapshot);
      if (rearmed.some((t) => t.eventType === next.eventType && t.dueAt <= next.dueAt)) {
        fail(change, `the timer re-arms itself at or before its own instant (a restart would fire it again)`);
      }
      pending = rearmed.filter((t) => !(t.eventType === next.eventType && t.dueAt <= next.dueAt));
    } else {
      const overdue = pending.filter((t) => t.dueAt <= change.at);
      if (overdue.length > 0) {
        fail(change, `applied while ${overdue.map((t) => `${timerName(t.timer, snapshot.context)}@${iso(t.dueAt)}`).join(', ')} was due and had not fired (lost or late timer)`);
        out.lostTimers += overdue.length;
      }
      if (change.event === 'DELETE') {
        if (change.to !== null) fail(change, 'DELETE recorded a status after it');
        out.deleted = true;
        continue;
      }
      const parsed = CampaignCommand.safeParse(commandOf(change, payloads));
      if (!parsed.success) {
        fail(change, `cannot rebuild the command: ${parsed.error.message}`);
        break;
      }
      const event = { ...parsed.data, at: change.at } as CampaignEvent;
      if (!snapshot.can(event)) {
        fail(change, `the statechart refuses this command in ${from}`);
        break;
      }
      snapshot = transition(campaignMachine, snapshot, event)[0];
      pending = armedTimers(snapshot);
    }
    const to = statusOf(snapshot);
    if (change.to !== to) fail(change, `recorded to ${change.to}, replay gives ${to}`);
  }

  if (out.deleted) {
    if (stored.record !== null) fail(null, 'deleted in history but still stored');
    return out;
  }
  const late = pending.filter((t) => t.dueAt <= caughtUpAt);
  if (late.length > 0) {
    out.lostTimers += late.length;
    fail(null, `never fired although due before start-up caught up: ${late.map((t) => `${t.timer}@${iso(t.dueAt)}`).join(', ')}`);
  }
  if (!stored.record) {
    fail(null, 'not stored, yet history has no DELETE');
    return out;
  }
  if (stored.record.version !== version) fail(null, `stored at version ${stored.record.version}, history ends at ${version}`);
  const restored = restoreSnapshot(stored.record.snapshot);
  if (!isDeepStrictEqual(restored.value, snapshot.value)) {
    fail(null, `stored state ${JSON.stringify(restored.value)} ≠ replayed ${JSON.stringify(snapshot.value)}`);
  }
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(restored.context)), JSON.parse(JSON.stringify(snapshot.context)))) {
    fail(null, 'stored context differs from the replayed one');
  }
  const storedTimers = stored.timers.map((t) => `${t.eventType}@${t.dueAt}`).sort();
  const replayedTimers = pending.map((t) => `${t.eventType}@${t.dueAt}`).sort();
  if (!isDeepStrictEqual(storedTimers, replayedTimers)) {
    fail(null, `stored timers [${storedTimers.join(', ')}] ≠ replayed [${replayedTimers.join(', ')}]`);
  }
  return out;
}
