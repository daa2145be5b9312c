import type { CampaignDefinition } from './CampaignDefinition.js';
import type { TimerKey } from './commands.js';
import type { OccurrenceWindow } from './Recurrence.js';

/** A stretch of time during which the campaign was paused (`to` is `null` while it lasts). */
export interface PauseWindow {
  from: number;
  to: number | null;
}

/** Everything the statechart knows about one campaign. Dates are epoch milliseconds. */
export interface CampaignContext extends CampaignDefinition {
  /** Recurring campaigns: the occurrence running now, or the next one. `null` otherwise. */
  occurrence: OccurrenceWindow | null;
  /** Incremented by every accepted UPDATE. */
  definitionVersion: number;
  /** Pause windows, oldest first; the last {@link MAX_PAUSES} are kept. */
  pauses: PauseWindow[];
  /** Set while in Error. */
  fault: { reason: string; at: number } | null;
}

export const MAX_PAUSES = 20;

export function initialContext(definition: CampaignDefinition): CampaignContext {
  return { ...definition, occurrence: null, definitionVersion: 1, pauses: [], fault: null };
}

/**
 * The absolute instant a timer is due, read from the context alone (so a restored snapshot
 * re-derives exactly the same instants). `null` when the date is not set.
 */
export function timerDueAt(timer: TimerKey, context: CampaignContext): number | null {
  switch (timer) {
    case 'startAt':
      return context.recurrence ? (context.occurrence?.start ?? null) : context.startAt;
    case 'visibleAt':
      return context.visibleAt;
    case 'endAt':
      return context.endAt;
    case 'windowEnd': {
      if (!context.recurrence) return context.endAt;
      const end = context.occurrence?.end ?? null;
      if (end === null) return context.endAt;
      return context.endAt === null ? end : Math.min(end, context.endAt);
    }
  }
}

/**
 * The name a timer goes by in history, forecasts and views: the date it stands for. For a
 * recurring campaign the start and end of the run are an occurrence's.
 */
export function timerName(timer: TimerKey, context: Pick<CampaignContext, 'recurrence'>): string {
  if (timer === 'windowEnd') return context.recurrence ? 'occurrenceEnd' : 'endAt';
  if (timer === 'startAt' && context.recurrence) return 'occurrenceStart';
  return timer;
}
