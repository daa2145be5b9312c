import type { SnapshotFrom } from 'xstate';
import type { CampaignEvent } from './CampaignCommand.js';
import { timerDueAt } from './CampaignContext.js';
import type { campaignMachine } from './campaignMachine.js';
import { TIMERS, type TimerKey } from './commands.js';

export type CampaignSnapshot = SnapshotFrom<typeof campaignMachine>;

/** A delayed transition that will fire at `dueAt` unless the campaign leaves its state first. */
export interface ArmedTimer {
  timer: TimerKey;
  /** The XState event (`xstate.after.<timer>.<state id>`) to deliver, with `at: dueAt`. */
  eventType: string;
  dueAt: number;
}

const isTimer = (delay: unknown): delay is TimerKey => (TIMERS as readonly unknown[]).includes(delay);

/**
 * The timers armed in a snapshot, earliest first. Derived from the active states' `after`
 * transitions and the absolute dates in the context, so it is the same for a live snapshot and
 * for one restored from storage; a timer whose guard would refuse it is not armed.
 */
export function armedTimers(snapshot: CampaignSnapshot): ArmedTimer[] {
  const armed: ArmedTimer[] = [];
  const seen = new Set<string>();
  for (const node of snapshot._nodes) {
    for (const transition of node.after) {
      if (seen.has(transition.eventType) || !isTimer(transition.delay)) continue;
      seen.add(transition.eventType);
      const dueAt = timerDueAt(transition.delay, snapshot.context);
      if (dueAt === null) continue;
      const event = { type: transition.eventType, at: dueAt } as unknown as CampaignEvent;
      if (snapshot.can(event)) armed.push({ timer: transition.delay, eventType: transition.eventType, dueAt });
    }
  }
  return armed.sort((a, b) => a.dueAt - b.dueAt || a.eventType.localeCompare(b.eventType));
}
