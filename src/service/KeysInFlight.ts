import { HttpError } from './errors.js';

/**
 * `Idempotency-Key`s of requests this process is still working on. A second request with the same
 * key while the first is in flight is refused with 409 (IETF `Idempotency-Key` draft); once the
 * first has answered, a retry gets its stored result (or 422 with another payload).
 */
export class KeysInFlight {
  readonly #keys = new Set<string>();

  async run<T>(key: string | undefined, handle: () => Promise<T>): Promise<T> {
    if (key === undefined) return handle();
    if (this.#keys.has(key)) {
      throw new HttpError(409, 'IdempotencyKeyInFlight', `A request with Idempotency-Key "${key}" is still being processed; retry once it has answered`, {
        'Retry-After': '1',
      });
    }
    this.#keys.add(key);
    try {
      return await handle();
    } finally {
      this.#keys.delete(key);
    }
  }
}
