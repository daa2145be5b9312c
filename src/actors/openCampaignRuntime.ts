import { z } from 'zod';
import { AdmitInput } from '../machines/admission.js';
import { CampaignCommand } from '../machines/CampaignCommand.js';
import { CampaignDefinition, CampaignPatch } from '../machines/CampaignDefinition.js';
import {
  CampaignListQuery,
  type CampaignRuntime,
  CountsQuery,
  CreateOptions,
  DeleteOptions,
  type ParsedInputs,
  RuntimeOptions,
  SendOptions,
  SubscribeOptions,
} from './CampaignRuntime.js';
import { ConsumeOptions, ConsumerName } from './Consumer.js';
import { parseInput } from './errors.js';
import { RuntimeCore } from './RuntimeCore.js';

const cores = new WeakMap<object, RuntimeCore>();

/**
 * Opens the store, fires every timer that fell due while nothing ran (in due order) and returns
 * the running runtime. The public entry, `createCampaignRuntime`, calls this after choosing the
 * default store and connecting an inspector.
 */
export async function openCampaignRuntime(input: RuntimeOptions): Promise<CampaignRuntime> {
  const options = parseInput(RuntimeOptions, input, 'runtime options');
  const core = new RuntimeCore(options);
  try {
    await core.open();
  } catch (error) {
    core.abandon();
    throw error;
  }
  const runtime = new CampaignRuntimeFacade(core, options.onStop);
  cores.set(runtime, core);
  return runtime;
}

/** The runtime's operations on values already parsed with its schemas (see {@link ParsedInputs}). */
export function parsedInputs(runtime: CampaignRuntime): ParsedInputs {
  const core = cores.get(runtime);
  if (!core) throw new TypeError('parsedInputs() needs a runtime made by createCampaignRuntime');
  return core;
}

/** The public runtime: parses every input at the boundary, then delegates to the core. */
class CampaignRuntimeFacade implements CampaignRuntime {
  readonly #core: RuntimeCore;
  readonly #onStop: (() => void | Promise<void>) | undefined;

  constructor(core: RuntimeCore, onStop: (() => void | Promise<void>) | undefined) {
    this.#core = core;
    this.#onStop = onStop;
  }

  get clock() {
    return this.#core.clock;
  }

  get lastSeq() {
    return this.#core.lastSeq;
  }

  create: CampaignRuntime['create'] = async (input, options = {}) => {
    this.#core.assertRunning();
    return this.#core.create(parseInput(CampaignDefinition, input, 'campaign definition'), parseInput(CreateOptions, options, 'create options'));
  };

  send: CampaignRuntime['send'] = async (id, input, options = {}) => {
    this.#core.assertRunning();
    return this.#core.send(id, parseInput(CampaignCommand, input, 'command'), parseInput(SendOptions, options, 'send options'));
  };

  delete: CampaignRuntime['delete'] = async (id, options = {}) => {
    this.#core.assertRunning();
    return this.#core.delete(id, parseInput(DeleteOptions, options, 'delete options'));
  };

  duplicate: CampaignRuntime['duplicate'] = async (id, overrides = {}) => {
    this.#core.assertRunning();
    return this.#core.duplicate(id, parseInput(CampaignPatch, overrides, 'duplicate overrides'));
  };

  get: CampaignRuntime['get'] = (id) => this.#core.get(id);

  list: CampaignRuntime['list'] = async (query = {}) => {
    this.#core.assertRunning();
    return this.#core.list(parseInput(CampaignListQuery, query, 'list query'));
  };

  listPage: CampaignRuntime['listPage'] = async (query) => {
    this.#core.assertRunning();
    const parsed = parseInput(CampaignListQuery.required({ limit: true }), query, 'list query');
    return this.#core.listPage(parsed);
  };

  counts: CampaignRuntime['counts'] = async (filter = {}) => {
    this.#core.assertRunning();
    return this.#core.counts(parseInput(CountsQuery, filter, 'counts filter'));
  };

  history: CampaignRuntime['history'] = (id) => this.#core.history(id);
  forecast: CampaignRuntime['forecast'] = (id) => this.#core.forecast(id);
  health: CampaignRuntime['health'] = () => this.#core.health();

  admit: CampaignRuntime['admit'] = async (id, input) => {
    this.#core.assertRunning();
    return this.#core.admit(id, parseInput(AdmitInput, input, 'admission'));
  };

  subscribe: CampaignRuntime['subscribe'] = (listener, options = {}) => {
    this.#core.assertRunning();
    const lastSeq = this.#core.lastSeq;
    const { after } = parseInput(
      SubscribeOptions.extend({
        after: z.number().int().min(0).max(lastSeq, `after is ahead of the change feed (its last sequence is ${lastSeq})`).optional(),
      }),
      options,
      'subscribe options',
    );
    return this.#core.subscribe(listener, { after });
  };

  consume: CampaignRuntime['consume'] = (name, handler, options = {}) => {
    this.#core.assertRunning();
    if (typeof handler !== 'function') throw new TypeError('consume needs a handler function');
    return this.#core.consume(parseInput(ConsumerName, name, 'consumer name'), handler, parseInput(ConsumeOptions, options, 'consume options'));
  };

  parked: CampaignRuntime['parked'] = async (name) => this.#core.parked(parseInput(ConsumerName, name, 'consumer name'));

  retryParked: CampaignRuntime['retryParked'] = async (name, seq) =>
    this.#core.retryParked(parseInput(ConsumerName, name, 'consumer name'), parseInput(z.number().int().min(1), seq, 'sequence number'));

  consumers: CampaignRuntime['consumers'] = () => this.#core.consumers();

  removeConsumer: CampaignRuntime['removeConsumer'] = async (name) => this.#core.removeConsumer(parseInput(ConsumerName, name, 'consumer name'));

  get webhookStore(): CampaignRuntime['webhookStore'] {
    return this.#core.webhookStore;
  }

  stop: CampaignRuntime['stop'] = async () => {
    const first = !this.#core.stopped;
    await this.#core.stop();
    if (first) await this.#onStop?.();
  };
}
