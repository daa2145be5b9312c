import { vi } from 'vitest';

/**
 * Waits, polling on real time, until `check` passes — for work that runs in the background (a
 * consumer, a feed reader, a webhook sender); fails naming `what` after `timeoutMs`.
 */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition', { timeoutMs = 4_000, intervalMs = 5 } = {}): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}
