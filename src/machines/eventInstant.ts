import type { CampaignContext } from './CampaignContext.js';
import { timerDueAt } from './CampaignContext.js';
import { TIMERS, type TimerKey } from './commands.js';

const AFTER = /^xstate\.after\.([^.]+)\./;

/**
 * The instant an event happens. Commands and runtime-delivered timers carry `at`. XState's own
 * `after` events (a plain `createActor` with XState's scheduler) carry none; for those the instant
 * is the timer's due date, read from the context that armed it.
 */
export function eventInstant(context: CampaignContext, event: { type: string }): number {
  const at = (event as { at?: unknown }).at;
  if (typeof at === 'number') return at;
  const key = AFTER.exec(event.type)?.[1];
  if (key && (TIMERS as readonly string[]).includes(key)) {
    const due = timerDueAt(key as TimerKey, context);
    if (due !== null) return due;
  }
  throw new Error(`Event ${event.type} carries no "at" instant: every campaign event must say when it happens`);
}
