/**
 * The process the crash test kills. Runs a mixed load on a SQLite file or a PostgreSQL schema
 * (`postgres://…#schema`, shared with other workers) with the SYSTEM clock until it is killed
 * (SIGKILL) — or its parent goes away:
 *
 *   node --import tsx test/reliability/crashWorker.ts <dbPath | postgres-url#schema> <seed> [--round N] [--retry file.json]
 *        [--callers 12] [--campaigns 150] [--max-live 10000] [--timer-batch 1000] [--watch-feed]
 *
 * - campaigns of every preset, with dates a few ms to seconds ahead (timers fall due every few ms),
 *   and recurring ones (hourly rule placed so occurrence boundaries fall seconds ahead);
 * - many concurrent callers sending commands, some with a commandId and/or an expectedVersion;
 * - the commands of a previous round that were never acknowledged are retried first (same commandId).
 *
 * Every call is announced before it is made when the parent needs its payload to replay history
 * (`intent` lines: creates, and every command sent with a commandId), and reported once its
 * promise resolved (`ack` lines). See `crashProtocol.ts`.
 */
import { readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type CampaignCommandInput,
  type CampaignDefinitionInput,
  type CampaignView,
  ConflictError,
  createCampaignRuntime,
  NotFoundError,
  postgresStore,
  sqliteStore,
  StoreUnavailableError,
  TransitionRejectedError,
  USER_COMMANDS,
  type UserCommandType,
  ValidationError,
  whenAvailable,
} from '../../src/index.js';
import { CONSUMER, type CreateIntent, FAILS_ONCE_EVERY, PARKED_EVERY, type SendIntent, type WorkerLine } from './crashProtocol.js';
import { rng } from './random.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    round: { type: 'string', default: '0' },
    retry: { type: 'string' },
    callers: { type: 'string', default: '12' },
    campaigns: { type: 'string', default: '150' },
    'max-live': { type: 'string', default: '10000' },
    'timer-batch': { type: 'string', default: '1000' },
    'watch-feed': { type: 'boolean', default: false },
  },
});
const [dbPath, seedText] = positionals;
if (!dbPath || !seedText) {
  process.stderr.write('usage: crashWorker.ts <dbPath> <seed> [--round N] [--retry file] [--callers N] [--campaigns N] [--max-live N] [--timer-batch N]\n');
  process.exit(2);
}
const round = Number(values.round);
const callers = Number(values.callers);
const maxCampaigns = Number(values.campaigns);
const r = rng(Number(seedText) * 7919 + round);

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Synchronous, complete write of one line (stdout is a non-blocking pipe: retry on EAGAIN, finish partial writes). */
const emit = (line: WorkerLine) => {
  const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1); // the parent is behind reading: wait a millisecond
    }
  }
};

// never outlive the parent
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(3), 120_000).unref();

const iso = (ms: number) => new Date(ms).toISOString();
const WEIGHT: Partial<Record<CampaignView['actions'][number], number>> = {
  UPDATE: 8,
  PAUSE: 2,
  END: 1,
  ABORT: 1,
  CANCEL: 1,
  ARCHIVE: 1,
  FREEZE: 1,
  CLOSE: 1,
};
const HOUR = 3_600_000;

/** Errors the API may throw on purpose; anything else is reported to the parent as a failure. */
const expected = (error: unknown) =>
  error instanceof TransitionRejectedError ||
  error instanceof ConflictError ||
  error instanceof NotFoundError ||
  // the database restarting under the load: a typed error for what failed, then the store comes back
  error instanceof StoreUnavailableError;

/** A background report of the database being away (the timer loop backs off, the feed reads on later): expected while it restarts. */
const databaseAway = (error: unknown) =>
  error instanceof StoreUnavailableError || (error instanceof Error && /database unavailable|transient database conflict|Connection terminated/i.test(error.message));

const report = (where: string, error: unknown) => {
  if (where === 'onError' && databaseAway(error)) return;
  const e = error instanceof Error ? error : new Error(String(error));
  emit({ t: 'error', where, name: e.name, message: e.message.slice(0, 500) });
};

function definitionFor(preset: 'journey' | 'discount' | 'gifting' | 'franchise', now: number): CampaignDefinitionInput {
  const name = `load ${round}`;
  switch (preset) {
    case 'discount': {
      if (r.chance(0.35)) {
        // an hourly rule whose occurrence 0 is running and ends 0.3–3 s from now, then a 1 s gap
        const boundary = now + r.int(100, 1_500);
        const startAt = boundary + 1_000 - HOUR;
        return {
          preset,
          name,
          startAt: iso(startAt),
          ...(r.chance(0.5) ? { endAt: iso(boundary + r.int(1_500, 5_000)) } : {}),
          timezone: r.pick(['Europe/Berlin', 'UTC', 'America/New_York']),
          recurrence: { rule: 'FREQ=HOURLY;COUNT=3', duration: 'PT59M59S' },
        };
      }
      const startAt = now + r.int(0, 600);
      return { preset, name, startAt: iso(startAt), endAt: iso(startAt + r.int(5, 1_500)) };
    }
    case 'franchise': {
      if (r.chance(0.3)) {
        const boundary = now + r.int(100, 1_500);
        const startAt = boundary + 1_000 - HOUR;
        return {
          preset,
          name,
          visibleAt: iso(startAt - 1_000),
          startAt: iso(startAt),
          endAt: iso(boundary + r.int(1_500, 5_000)),
          timezone: 'Europe/Berlin',
          recurrence: { rule: 'FREQ=HOURLY;COUNT=3', duration: 'PT59M59S' },
        };
      }
      const visibleAt = now + r.int(0, 300);
      const startAt = visibleAt + r.int(0, 600);
      return { preset, name, visibleAt: iso(visibleAt), startAt: iso(startAt), endAt: iso(startAt + r.int(5, 1_500)) };
    }
    case 'gifting':
      return { preset, name, products: ['mug', { id: 'tee', size: 'L' }], endAt: iso(now + r.int(5, 2_000)) };
    case 'journey': {
      const startAt = r.chance(0.5) ? now + r.int(0, 600) : null;
      return {
        preset,
        name,
        audience: { mode: r.pick(['trigger', 'list']), segment: 'vip' },
        ...(startAt !== null ? { startAt: iso(startAt) } : {}),
        endAt: iso((startAt ?? now) + r.int(5, 1_500)),
      };
    }
  }
}

function commandFor(view: CampaignView, now: number): { command: CampaignCommandInput; source: 'user' | 'system' } {
  if (view.preset === 'journey' && r.chance(0.12)) {
    const type = r.pick(['SYSTEM_FAULT', 'SYSTEM_RECOVER', 'AUDIENCE_LIST_LOADED'] as const);
    const command: CampaignCommandInput = type === 'SYSTEM_FAULT' ? { type, reason: 'mailer down' } : { type };
    return { command, source: r.chance(0.9) ? 'system' : 'user' };
  }
  const all = [...view.actions, ...Object.keys(view.refusals).filter((type): type is UserCommandType => (USER_COMMANDS as readonly string[]).includes(type))];
  // mostly accepted commands, few of those that end a campaign (so most timers live to fall due)
  const weighted = view.actions.flatMap((type) => Array<typeof type>(WEIGHT[type] ?? 4).fill(type));
  const type = weighted.length > 0 && r.chance(0.8) ? r.pick(weighted) : r.pick(all);
  const source = r.chance(0.1) ? 'system' : 'user';
  switch (type) {
    case 'UPDATE': {
      const patch = r.pick([
        { labels: [`l${r.int(0, 9)}`] },
        { name: `renamed ${r.int(0, 99)}` },
        { endAt: iso(now + r.int(5, 1_000)) },
        { endAt: iso(now + r.int(5, 1_000)) },
        { content: { n: r.int(0, 9) } },
      ]);
      return { command: { type, patch }, source };
    }
    case 'REACTIVATE': {
      if (view.preset === 'discount') {
        const startAt = now + r.int(0, 1_000);
        return {
          command: { type, ...(r.chance(0.5) ? { startAt: iso(startAt) } : {}), endAt: iso(startAt + r.int(5, 3_000)) },
          source,
        };
      }
      return { command: r.chance(0.5) ? { type } : { type, endAt: iso(now + r.int(5, 3_000)) }, source };
    }
    default:
      return { command: { type } as CampaignCommandInput, source };
  }
}

const retries: (SendIntent | CreateIntent)[] = values.retry
  ? (JSON.parse(readFileSync(values.retry, 'utf8')) as (SendIntent | CreateIntent)[])
  : [];

emit({ t: 'opening', at: Date.now() });
const [url, schema] = dbPath.split('#');
const open = () =>
  createCampaignRuntime({
    store: dbPath.startsWith('postgres') ? postgresStore({ connectionString: url!, schema: schema!, pollMs: 200, timerLeaseMs: 2_000 }) : sqliteStore({ path: dbPath }),
    maxLiveActors: Number(values['max-live']),
    timerBatchSize: Number(values['timer-batch']),
    onError: (error) => report('onError', error),
  });
// a process started while the database restarts waits for it, as a process manager would restart it
const rt = await whenAvailable(open, { tries: 240, delayMs: 250 });
const known = new Map<string, CampaignView>();
for (const view of await rt.list({ limit: maxCampaigns })) known.set(view.id, view);
if (values['watch-feed']) {
  // what this process reads of the change feed, from where it stood when it opened
  rt.subscribe((change) => emit({ t: 'seen', seq: change.seq, campaignId: change.campaignId, version: change.version }), { after: rt.lastSeq });
}
// a durable consumer on every worker (one holds it at a time): a handled change is reported before
// its handler returns, so the parent knows of every change the stored cursor passed. Some changes
// fail once (retried), some always (parked after three attempts).
const attempts = new Map<number, number>();
rt.consume(
  CONSUMER,
  (change) => {
    const attempt = (attempts.get(change.seq) ?? 0) + 1;
    attempts.set(change.seq, attempt);
    if (change.seq % PARKED_EVERY === 0) throw new Error('the harness refuses this change');
    if (change.seq % FAILS_ONCE_EVERY === 0 && attempt === 1) throw new Error('the harness fails this change once');
    emit({ t: 'handled', seq: change.seq, campaignId: change.campaignId, version: change.version });
  },
  { leaseMs: 1_000, maxAttempts: 3, retry: { initialMs: 5, maxMs: 40 }, batchSize: 50 },
);
emit({ t: 'ready', at: Date.now(), campaigns: known.size });

let counter = 0;
const nextCommandId = () => `r${round}-k${counter++}`;

async function create(): Promise<void> {
  const preset = r.pick(['journey', 'discount', 'gifting', 'franchise'] as const);
  const now = Date.now();
  const definition = definitionFor(preset, now);
  const campaignId = `c${round}-${counter++}`;
  const commandId = r.chance(0.3) ? nextCommandId() : null;
  emit({ t: 'intent', kind: 'create', campaignId, commandId, definition: definition as Record<string, unknown> });
  const view = await rt.create(definition, { id: campaignId, ...(commandId ? { commandId } : {}) });
  emit({ t: 'ack', kind: 'create', campaignId, commandId, version: view.version, event: 'CREATE' });
  known.set(view.id, view);
  if (known.size > maxCampaigns) known.delete(known.keys().next().value as string);
  if (r.chance(0.85)) {
    const type = preset === 'gifting' || preset === 'journey' ? 'ACTIVATE' : 'PUBLISH';
    const activated = await rt.send(view.id, { type });
    emit({ t: 'ack', kind: 'send', campaignId, commandId: null, version: activated.version, event: type });
    known.set(view.id, activated);
  }
}

async function send(view: CampaignView): Promise<void> {
  const now = Date.now();
  if (view.deletable && r.chance(0.02)) {
    const commandId = r.chance(0.5) ? nextCommandId() : null;
    await rt.delete(view.id, commandId ? { commandId } : {});
    emit({ t: 'ack', kind: 'delete', campaignId: view.id, commandId, version: null, event: 'DELETE' });
    known.delete(view.id);
    return;
  }
  const { command, source } = commandFor(view, now);
  const commandId = command.type === 'REACTIVATE' || r.chance(0.4) ? nextCommandId() : null;
  const expectedVersion = r.chance(0.3) ? Math.max(1, view.version - (r.chance(0.15) ? 1 : 0)) : null;
  if (commandId) {
    emit({
      t: 'intent',
      kind: 'send',
      campaignId: view.id,
      commandId,
      command: command as SendIntent['command'],
      source,
      expectedVersion,
    });
  }
  const result = await rt.send(view.id, command, {
    source,
    ...(commandId ? { commandId } : {}),
    ...(expectedVersion !== null ? { expectedVersion } : {}),
  });
  emit({ t: 'ack', kind: 'send', campaignId: view.id, commandId, version: result.version, event: command.type });
  known.set(view.id, result);
}

async function retry(intent: SendIntent | CreateIntent): Promise<void> {
  if (intent.kind === 'create') {
    if (!intent.commandId) return;
    const view = await rt.create(intent.definition as CampaignDefinitionInput, { id: intent.campaignId, commandId: intent.commandId });
    emit({ t: 'ack', kind: 'retry', campaignId: intent.campaignId, commandId: intent.commandId, version: view.version, event: 'CREATE' });
    return;
  }
  const view = await rt.send(intent.campaignId, intent.command as CampaignCommandInput, {
    source: intent.source,
    commandId: intent.commandId,
    ...(intent.expectedVersion !== null ? { expectedVersion: intent.expectedVersion } : {}),
  });
  emit({ t: 'ack', kind: 'retry', campaignId: intent.campaignId, commandId: intent.commandId, version: view.version, event: intent.command.type });
}

const guarded = async (where: string, task: () => Promise<void>) => {
  try {
    await task();
  } catch (error) {
    if (error instanceof ValidationError) report(`${where} (the load generator sent invalid input)`, error);
    else if (!expected(error)) report(where, error);
    if (error instanceof NotFoundError) known.delete(error.campaignId);
  }
};

async function caller(): Promise<never> {
  for (;;) {
    const ids = [...known.keys()];
    if (ids.length === 0 || (ids.length < maxCampaigns && r.chance(0.15)) || r.chance(0.01)) {
      await guarded('create', create);
    } else {
      const view = known.get(r.pick(ids));
      if (!view) continue;
      if (r.chance(0.08)) {
        await guarded('get', async () => {
          known.set(view.id, await rt.get(view.id));
        });
      } else {
        await guarded('send', () => send(view));
      }
    }
    if (r.chance(0.3)) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

void Promise.all(retries.map((intent) => guarded('retry', () => retry(intent))));
await Promise.all(Array.from({ length: callers }, () => caller()));
