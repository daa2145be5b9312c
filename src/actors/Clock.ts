/** A timer handle returned by {@link Clock.setTimeout}. */
export type ClockTimer = { readonly __clockTimer: unique symbol } | object;

/**
 * Where the runtime gets "now" and waits for the next due timer. Inject a
 * {@link createManualClock | manual clock} in tests; the default is {@link systemClock}.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once `ms` have passed; a returned promise is awaited by manual clocks. */
  setTimeout(callback: () => void | Promise<void>, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** Node clamps delays above this to 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** The system clock re-reads the wall clock at least this often, so a clock jump is noticed. */
const MAX_WAIT_MS = 60_000;

interface SystemTimer {
  handle: ReturnType<typeof setTimeout> | null;
}

/**
 * Wall-clock time. Long waits are split into chunks (never above 2^31-1 ms, and re-checked
 * every minute against the wall clock), so a date months away neither fires at once nor drifts,
 * and a timer never fires before its instant even if the system clock jumps.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const due = Date.now() + Math.max(0, ms);
    const timer: SystemTimer = { handle: null };
    const arm = () => {
      const left = due - Date.now();
      if (left <= 0) {
        timer.handle = null;
        void callback();
        return;
      }
      timer.handle = setTimeout(arm, Math.min(left, MAX_WAIT_MS, MAX_TIMEOUT_MS));
    };
    arm();
    return timer;
  },
  clearTimeout(timer) {
    const handle = (timer as SystemTimer).handle;
    if (handle) clearTimeout(handle);
    (timer as SystemTimer).handle = null;
  },
};
