import { transition } from 'xstate';
import type { CampaignEvent } from './CampaignCommand.js';
import { armedTimers, type CampaignSnapshot } from './armedTimers.js';
import { campaignMachine } from './campaignMachine.js';
import { timerName } from './CampaignContext.js';
import type { TimerKey } from './commands.js';
import { phaseOf } from './phase.js';
import { statusLabel } from './Preset.js';
import { presets } from './presets/index.js';

/** One timed transition ahead: at `at`, `timer` fires and the status goes `from` → `to`. */
export interface ForecastEntry {
  at: number;
  timer: TimerKey;
  /** The date the timer stands for (see `timerName`). */
  name: string;
  eventType: string;
  from: string;
  to: string;
}

/**
 * The timed transitions still ahead if nobody acts, in order: each armed timer is fired on a copy
 * of the snapshot (pure `transition`), until none is left or `limit` entries are listed.
 */
export function forecast(snapshot: CampaignSnapshot, limit = 20): ForecastEntry[] {
  const preset = presets[snapshot.context.preset];
  const entries: ForecastEntry[] = [];
  let current = snapshot;
  while (entries.length < limit) {
    const next = armedTimers(current)[0];
    if (!next) break;
    const [after] = transition(campaignMachine, current, { type: next.eventType, at: next.dueAt } as unknown as CampaignEvent);
    entries.push({
      at: next.dueAt,
      timer: next.timer,
      name: timerName(next.timer, current.context),
      eventType: next.eventType,
      from: statusLabel(preset, phaseOf(current.value)),
      to: statusLabel(preset, phaseOf(after.value)),
    });
    current = after;
  }
  return entries;
}
