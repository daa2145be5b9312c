import type { Clock, ClockTimer } from './Clock.js';

/** A clock that only moves when told to; for tests. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward to `date`, firing every timer that falls due on the way, in order, each at
   * its own instant, and resolves once the work they started (the runtime's writes) is done.
   */
  advanceTo(date: Date | string | number): Promise<void>;
  /** {@link ManualClock.advanceTo} `now() + ms`. */
  advanceBy(ms: number): Promise<void>;
}

interface ManualTimer {
  due: number;
  order: number;
  callback: () => void | Promise<void>;
}

const toMs = (date: Date | string | number) => {
  const ms = typeof date === 'number' ? date : typeof date === 'string' ? Date.parse(date) : date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid date: ${String(date)}`);
  return ms;
};

/** Lets pending I/O callbacks and `setImmediate` work (the runtime's group commit) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A manual clock starting at `start`.
 *
 * @example
 * ```ts
 * const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
 * const rt = await createCampaignRuntime({ store: memoryStore(), clock });
 * await clock.advanceTo('2026-03-01T00:00:00Z'); // every date due by then has fired and is stored
 * ```
 */
export function createManualClock(start: Date | string | number = Date.now()): ManualClock {
  let now = toMs(start);
  let order = 0;
  const timers = new Set<ManualTimer>();
  let queue: Promise<void> = Promise.resolve();

  const earliest = (until: number) => {
    let next: ManualTimer | null = null;
    for (const timer of timers) {
      if (timer.due <= until && (!next || timer.due < next.due || (timer.due === next.due && timer.order < next.order))) {
        next = timer;
      }
    }
    return next;
  };

  const advance = async (target: number) => {
    if (target < now) throw new RangeError(`A manual clock cannot go back in time (now ${new Date(now).toISOString()})`);
    for (;;) {
      await settle();
      const next = earliest(target);
      if (!next) break;
      timers.delete(next);
      now = Math.max(now, next.due);
      await next.callback();
    }
    now = target;
    await settle();
  };

  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer: ManualTimer = { due: now + Math.max(0, ms), order: order++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout(timer: ClockTimer) {
      timers.delete(timer as ManualTimer);
    },
    advanceTo(date) {
      const run = queue.then(() => advance(toMs(date)));
      queue = run.catch(() => {});
      return run;
    },
    advanceBy(ms) {
      const run = queue.then(() => advance(now + ms));
      queue = run.catch(() => {});
      return run;
    },
  };
}
