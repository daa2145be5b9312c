import type { CampaignRuntime, ParsedInputs } from '../actors/CampaignRuntime.js';
import { parsedInputs } from '../actors/openCampaignRuntime.js';
import { HttpError } from './errors.js';

/**
 * The runtime as the routes reach it. The service listens at once; while the runtime is still
 * opening (start-up catch-up of missed timers can take minutes) every route that needs it answers
 * 503 `NotReady` with `Retry-After`, and `/readyz` says so — the convention load balancers expect.
 */
export class RuntimeGate {
  #runtime: CampaignRuntime | null = null;
  #failure: unknown = null;
  readonly since = new Date().toISOString();
  readonly opened: Promise<CampaignRuntime>;

  constructor(runtime: CampaignRuntime | Promise<CampaignRuntime>) {
    this.opened = Promise.resolve(runtime).then(
      (opened) => (this.#runtime = opened),
      (error: unknown) => {
        this.#failure = error;
        throw error;
      },
    );
    this.opened.catch(() => {});
  }

  get ready(): boolean {
    return this.#runtime !== null;
  }

  /** Why the runtime could not open, if it failed. */
  get failure(): unknown {
    return this.#failure;
  }

  get runtime(): CampaignRuntime {
    if (this.#runtime) return this.#runtime;
    throw new HttpError(503, 'NotReady', 'The service is starting: firing the timers that fell due while it was down', { 'Retry-After': '5' });
  }

  get parsed(): ParsedInputs {
    return parsedInputs(this.runtime);
  }
}
