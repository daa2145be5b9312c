import { StoreUnavailableError } from './errors.js';

export interface WhenAvailableOptions {
  /** Attempts in all (default 120). */
  tries?: number;
  /** Pause between attempts, ms (default 500). */
  delayMs?: number;
  /** Called after each failed attempt, before the pause. */
  onWait?: (error: StoreUnavailableError, attempt: number) => void;
}

/**
 * Runs `attempt` again while it fails with {@link StoreUnavailableError} — a database that is
 * starting or restarting — up to `tries` times; any other error, or the last one, is thrown.
 * How a process opens its runtime when it may start before its database.
 */
export async function whenAvailable<T>(attempt: () => Promise<T>, options: WhenAvailableOptions = {}): Promise<T> {
  const tries = options.tries ?? 120;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || n >= tries) throw error;
      options.onWait?.(error, n);
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 500));
    }
  }
}
