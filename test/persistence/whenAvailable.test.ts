import { describe, expect, it } from 'vitest';
import { StoreConflictError, StoreUnavailableError, whenAvailable } from '../../src/index.js';

const unavailable = () => new StoreUnavailableError('postgres schema x', 'the database is starting up');

describe('whenAvailable', () => {
  it('tries again while the store is unavailable, and reports each wait', async () => {
    let calls = 0;
    const waits: number[] = [];
    const value = await whenAvailable(
      async () => {
        if (++calls < 3) throw unavailable();
        return 'open';
      },
      { delayMs: 0, onWait: (_error, attempt) => waits.push(attempt) },
    );
    expect(value).toBe('open');
    expect(waits).toEqual([1, 2]);
  });

  it('throws any other error at once, and the last one when the attempts run out', async () => {
    let calls = 0;
    const conflict = new StoreConflictError(0, 'c', 'not at version 1');
    await expect(
      whenAvailable(
        async () => {
          calls++;
          throw conflict;
        },
        { delayMs: 0 },
      ),
    ).rejects.toBe(conflict);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      whenAvailable(
        async () => {
          calls++;
          throw unavailable();
        },
        { tries: 4, delayMs: 0 },
      ),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls).toBe(4);
  });
});
