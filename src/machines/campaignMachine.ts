import { assign, setup } from 'xstate';
import type { CampaignEvent } from './CampaignCommand.js';
import { type CampaignContext, initialContext, timerDueAt } from './CampaignContext.js';
import type { CampaignDefinition } from './CampaignDefinition.js';
import type { TimerKey } from './commands.js';
import {
  activationProblem,
  closePause,
  openPause,
  patchedContext,
  patchProblem,
  plannedOccurrence,
  position,
  reopenProblem,
  rerunContext,
  rerunProblem,
  resumeContext,
  resumedOccurrence,
  resumePosition,
} from './conditions.js';
import { eventInstant } from './eventInstant.js';
import type { Phase } from './phase.js';
import { condition, not, when } from './when.js';

const ID = {
  published: '#campaign.published',
  history: '#campaign.published.hist',
  scheduled: '#campaign.published.scheduled',
  running: '#campaign.published.running',
  ended: '#campaign.published.ended',
  error: '#campaign.error',
  aborted: '#campaign.aborted',
  archived: '#campaign.archived',
} as const;

const run = (intake: 'accepting' | 'closed' | 'frozen', processing: 'active' | 'paused') => [
  `${ID.running}.intake.${intake}`,
  `${ID.running}.processing.${processing}`,
];

const EDITABLE_PUBLISHED: Phase[] = ['scheduled', 'held', 'active', 'closed', 'paused', 'pausedClosed', 'frozen'];
const FAULTABLE: Phase[] = ['scheduled', 'active', 'closed', 'paused', 'pausedClosed', 'frozen'];

const at = (context: CampaignContext, event: CampaignEvent) => eventInstant(context, event);

/* The conditions the guards combine with a preset-table row (see `when`). */
const activationReady = condition('activationReady', (c, e) => activationProblem(c, at(c, e)) === null);
const startsLater = condition('startsLater', (c, e) => ['before', 'between'].includes(position(c, at(c, e))));
const runsNow = condition('runsNow', (c, e) => position(c, at(c, e)) === 'inside');
const notRecurring = condition('notRecurring', (c) => c.recurrence === null);
/* RESUME of a campaign that extends its dates: the schedule is judged on the extended dates */
const resumesInside = condition('resumesInside', (c, e) => resumePosition(c, at(c, e)) === 'inside');
const resumesLater = condition('resumesLater', (c, e) => ['before', 'between'].includes(resumePosition(c, at(c, e))));
const listAudience = condition('listAudience', (c) => c.audience?.mode === 'list');
const canReopen = condition('canReopen', (c, e) => e.type === 'REACTIVATE' && reopenProblem(c, e, at(c, e)) === null);
const reopenClosesIntake = condition(
  'reopenClosesIntake',
  (c, e) => e.type === 'REACTIVATE' && e.startAt === undefined && e.endAt === undefined && c.endAt !== null && c.endAt <= at(c, e),
);
const rerunReady = condition('rerunReady', (c, e) => e.type === 'REACTIVATE' && rerunProblem(c, e, at(c, e)) === null);
const rerunStartsLater = condition(
  'rerunStartsLater',
  (c, e) => e.type === 'REACTIVATE' && ['before', 'between'].includes(position(rerunContext(c, e, at(c, e)), at(c, e))),
);
const timerSet = (timer: TimerKey) => condition(`${timer} set`, (c) => timerDueAt(timer, c) !== null);
const patchFits = (phase: Phase) =>
  condition('patchFits', (c, e) => e.type === 'UPDATE' && patchProblem(c, e.patch, phase, at(c, e)) === null);

/**
 * The canonical campaign statechart. One machine for every preset: the preset named in the
 * context decides, through the `allows` guard, which of these transitions exist for it.
 *
 * Every event carries `at`, the instant it happens; nothing here reads a clock. Dates are
 * absolute instants in the context and the delays of `after` transitions are computed from
 * them, so the runtime can re-derive every pending timer from a restored snapshot.
 *
 * @example
 * ```ts
 * const actor = createActor(campaignMachine, { input: CampaignDefinition.parse({ preset: 'gifting', name: 'Q4', products: ['mug'] }) });
 * actor.start().send({ type: 'ACTIVATE', at: Date.now() });
 * ```
 */
export const campaignMachine = setup({
  types: {
    context: {} as CampaignContext,
    events: {} as CampaignEvent,
    input: {} as CampaignDefinition,
  },
  guards: {
    visibleNow: ({ context, event }) => context.visibleAt === null || context.visibleAt <= at(context, event),
  },
  actions: {
    planWindow: assign({ occurrence: ({ context, event }) => plannedOccurrence(context, at(context, event)) }),
    planResumedWindow: assign({ occurrence: ({ context, event }) => resumedOccurrence(context, at(context, event)) }),
    startNow: assign({
      startAt: ({ context, event }) => {
        const now = at(context, event);
        return context.startAt === null || context.startAt > now ? now : context.startAt;
      },
    }),
    endNow: assign({ endAt: ({ context, event }) => at(context, event) }),
    reopen: assign({
      endAt: ({ context, event }) => (event.type === 'REACTIVATE' && event.endAt !== undefined ? event.endAt : context.endAt),
    }),
    rerun: assign(({ context, event }) =>
      event.type === 'REACTIVATE' ? rerunContext(context, event, at(context, event)) : {},
    ),
    applyPatch: assign(({ context, event }) => (event.type === 'UPDATE' ? patchedContext(context, event.patch) : {})),
    extendOnResume: assign(({ context, event }) => {
      const extended = resumeContext(context, at(context, event));
      return { endAt: extended.endAt, occurrence: extended.occurrence };
    }),
    openPause: assign({ pauses: ({ context, event }) => openPause(context.pauses, at(context, event)) }),
    closePause: assign({ pauses: ({ context, event }) => closePause(context.pauses, at(context, event)) }),
    recordFault: assign({
      fault: ({ context, event }) =>
        event.type === 'SYSTEM_FAULT' ? { reason: event.reason, at: at(context, event) } : context.fault,
    }),
    clearFault: assign({ fault: null }),
  },
  delays: {
    startAt: ({ context, event }) => delayUntil('startAt', context, event),
    visibleAt: ({ context, event }) => delayUntil('visibleAt', context, event),
    endAt: ({ context, event }) => delayUntil('endAt', context, event),
    windowEnd: ({ context, event }) => delayUntil('windowEnd', context, event),
  },
}).createMachine({
  id: 'campaign',
  context: ({ input }) => initialContext(input),
  initial: 'draft',
  states: {
    draft: {
      on: {
        ACTIVATE: [
          {
            guard: when('draft', 'ACTIVATE', 'scheduled', activationReady, startsLater),
            target: ID.scheduled,
            actions: 'planWindow',
          },
          {
            guard: when('draft', 'ACTIVATE', 'active', activationReady),
            target: ID.running,
            actions: ['planWindow', 'startNow'],
          },
        ],
        PUBLISH: [
          {
            guard: when('draft', 'PUBLISH', 'scheduled', activationReady, startsLater),
            target: ID.scheduled,
            actions: 'planWindow',
          },
          {
            guard: when('draft', 'PUBLISH', 'active', activationReady),
            target: ID.running,
            actions: ['planWindow', 'startNow'],
          },
        ],
        UPDATE: { guard: when('draft', 'UPDATE', 'draft', patchFits('draft')), actions: 'applyPatch' },
      },
    },
    published: {
      initial: 'scheduled',
      on: {
        UPDATE: EDITABLE_PUBLISHED.map((phase) => ({
          guard: when(phase, 'UPDATE', phase, patchFits(phase)),
          target: ID.history,
          reenter: true,
          actions: 'applyPatch' as const,
        })),
        SYSTEM_FAULT: FAULTABLE.map((phase) => ({
          guard: when(phase, 'SYSTEM_FAULT', 'error'),
          target: ID.error,
          actions: 'recordFault' as const,
        })),
        ABORT: FAULTABLE.map((phase) => ({ guard: when(phase, 'ABORT', 'aborted'), target: ID.aborted })),
      },
      states: {
        hist: { type: 'history', history: 'deep' },
        scheduled: {
          type: 'parallel',
          on: {
            CANCEL: (['scheduled', 'held'] as const).map((phase) => ({
              guard: when(phase, 'CANCEL', 'archived'),
              target: ID.archived,
            })),
          },
          states: {
            countdown: {
              initial: 'waiting',
              states: {
                waiting: {
                  after: {
                    startAt: {
                      guard: when('scheduled', 'startAt', 'active', timerSet('startAt')),
                      target: ID.running,
                      actions: 'planWindow',
                    },
                  },
                  on: {
                    ACTIVATE_NOW: {
                      guard: when('scheduled', 'ACTIVATE_NOW', 'active', notRecurring),
                      target: ID.running,
                      actions: 'startNow',
                    },
                    PAUSE: { guard: when('scheduled', 'PAUSE', 'held'), target: 'held' },
                  },
                },
                held: {
                  entry: 'openPause',
                  exit: 'closePause',
                  after: {
                    endAt: { guard: when('held', 'endAt', 'ended', timerSet('endAt')), target: ID.ended },
                  },
                  on: {
                    RESUME: [
                      {
                        guard: when('held', 'RESUME', 'active', runsNow),
                        target: ID.running,
                        actions: 'planWindow',
                      },
                      {
                        guard: when('held', 'RESUME', 'scheduled', startsLater),
                        target: 'waiting',
                        actions: 'planWindow',
                      },
                    ],
                  },
                },
              },
            },
            visibility: {
              initial: 'hidden',
              states: {
                hidden: {
                  always: { guard: 'visibleNow', target: 'visible' },
                  after: {
                    visibleAt: (['scheduled', 'held'] as const).map((phase) => ({
                      guard: when(phase, 'visibleAt', phase, timerSet('visibleAt')),
                      target: 'visible',
                    })),
                  },
                },
                visible: {},
              },
            },
          },
        },
        running: {
          type: 'parallel',
          on: {
            PAUSE: [
              { guard: when('active', 'PAUSE', 'paused'), target: run('accepting', 'paused') },
              { guard: when('active', 'PAUSE', 'closed'), target: run('closed', 'active'), actions: 'openPause' },
              { guard: when('active', 'PAUSE', 'frozen'), target: run('frozen', 'paused') },
            ],
            CLOSE: { guard: when('active', 'CLOSE', 'closed'), target: run('closed', 'active') },
            FREEZE: (['active', 'paused', 'pausedClosed', 'closed'] as const).map((phase) => ({
              guard: when(phase, 'FREEZE', 'frozen'),
              target: run('frozen', 'paused'),
            })),
            RESUME: [
              { guard: when('paused', 'RESUME', 'active'), target: run('accepting', 'active') },
              { guard: when('pausedClosed', 'RESUME', 'closed'), target: run('closed', 'active') },
              { guard: when('closed', 'RESUME', 'active'), target: run('accepting', 'active'), actions: 'closePause' },
              {
                guard: when('frozen', 'RESUME', 'active', resumesInside),
                target: run('accepting', 'active'),
                actions: ['extendOnResume', 'planResumedWindow'],
              },
              {
                guard: when('frozen', 'RESUME', 'scheduled', resumesLater),
                target: ID.scheduled,
                actions: ['extendOnResume', 'planResumedWindow'],
              },
            ],
            REACTIVATE: [
              ...(['paused', 'pausedClosed', 'closed', 'frozen'] as const).map((phase) => ({
                guard: when(phase, 'REACTIVATE', 'active', canReopen),
                target: run('accepting', 'active'),
                actions: 'reopen' as const,
              })),
              { guard: when('frozen', 'REACTIVATE', 'closed', reopenClosesIntake), target: run('closed', 'active') },
            ],
            END: (['active', 'closed'] as const).map((phase) => ({
              guard: when(phase, 'END', 'ended'),
              target: ID.ended,
              actions: ['closePause', 'endNow'] as const,
            })),
            AUDIENCE_LIST_LOADED: [
              { guard: when('active', 'AUDIENCE_LIST_LOADED', 'closed', listAudience), target: run('closed', 'active') },
              {
                guard: when('paused', 'AUDIENCE_LIST_LOADED', 'pausedClosed', listAudience),
                target: run('closed', 'paused'),
              },
            ],
            CANCEL: (['active', 'frozen'] as const).map((phase) => ({
              guard: when(phase, 'CANCEL', 'archived'),
              target: ID.archived,
            })),
          },
          states: {
            intake: {
              initial: 'accepting',
              states: {
                accepting: {
                  after: {
                    endAt: [
                      { guard: when('active', 'endAt', 'closed', timerSet('endAt')), target: 'closed' },
                      { guard: when('paused', 'endAt', 'pausedClosed', timerSet('endAt')), target: 'closed' },
                    ],
                  },
                },
                closed: {},
                frozen: {
                  after: {
                    endAt: { guard: when('frozen', 'endAt', 'ended', timerSet('endAt')), target: ID.ended },
                  },
                },
              },
            },
            processing: {
              initial: 'active',
              states: {
                active: {
                  after: {
                    windowEnd: [
                      {
                        guard: when('active', 'windowEnd', 'active', timerSet('windowEnd'), runsNow),
                        target: ID.running,
                        reenter: true,
                        actions: 'planWindow',
                      },
                      {
                        guard: when('active', 'windowEnd', 'scheduled', timerSet('windowEnd'), startsLater),
                        target: ID.scheduled,
                        actions: 'planWindow',
                      },
                      {
                        guard: when('active', 'windowEnd', 'ended', timerSet('windowEnd'), not(runsNow), not(startsLater)),
                        target: ID.ended,
                      },
                      {
                        guard: when('closed', 'windowEnd', 'ended', timerSet('windowEnd')),
                        target: ID.ended,
                        actions: 'closePause',
                      },
                    ],
                  },
                },
                paused: { entry: 'openPause', exit: 'closePause' },
              },
            },
          },
        },
        ended: {
          on: {
            REACTIVATE: [
              {
                guard: when('ended', 'REACTIVATE', 'scheduled', rerunReady, rerunStartsLater),
                target: ID.scheduled,
                actions: ['rerun', 'planWindow'],
              },
              {
                guard: when('ended', 'REACTIVATE', 'active', rerunReady),
                target: ID.running,
                actions: ['rerun', 'planWindow'],
              },
            ],
            ARCHIVE: { guard: when('ended', 'ARCHIVE', 'archived'), target: ID.archived },
          },
        },
      },
    },
    error: {
      on: {
        SYSTEM_RECOVER: { guard: when('error', 'SYSTEM_RECOVER', undefined), target: ID.history, actions: 'clearFault' },
        ABORT: { guard: when('error', 'ABORT', 'aborted'), target: ID.aborted },
      },
    },
    aborted: { type: 'final' },
    archived: { type: 'final' },
  },
});

/** Delay of a timer relative to the event that entered its state; 0 when unset (its guard then refuses). */
function delayUntil(timer: TimerKey, context: CampaignContext, event: CampaignEvent): number {
  const due = timerDueAt(timer, context);
  return due === null ? 0 : Math.max(0, due - eventInstant(context, event));
}
