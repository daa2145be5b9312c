/** The tail of a key whose first task is starting (synchronously). */
const STARTING: Promise<void> = Promise.resolve();

/**
 * One serial queue per key: tasks of the same key run one after another, in the order given;
 * tasks of different keys interleave freely. The runtime keys by campaign id, so commands and
 * timers of one campaign apply in order while other campaigns go on.
 */
export class Lanes {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #onDrained: (key: string) => void;

  /** `onDrained` is called when a key's last queued task has settled. */
  constructor(onDrained: (key: string) => void = () => {}) {
    this.#onDrained = onDrained;
  }

  /**
   * Runs `task` after every earlier task of `key`; settles as `task` does. The key is busy from
   * this call on — also while the task's synchronous start runs (an eviction it triggers skips it).
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let result: Promise<T>;
    if (previous) result = previous.then(task);
    else {
      this.#tails.set(key, STARTING);
      try {
        result = task();
      } catch (error) {
        result = Promise.reject(error);
      }
    }
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) !== tail) return;
      this.#tails.delete(key);
      this.#onDrained(key);
    });
    return result;
  }

  /** Whether a task of `key` is queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Resolves once every task queued so far has settled. */
  async settled(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }
}
