import { type AnyActorScope, createActor } from 'xstate';
import type { CampaignSnapshot } from './armedTimers.js';
import type { CampaignEvent } from './CampaignCommand.js';
import { CampaignDefinition } from './CampaignDefinition.js';
import { campaignMachine } from './campaignMachine.js';

/** A snapshot as stored: `getPersistedSnapshot`'s JSON-ready object. */
export type PersistedCampaign = ReturnType<typeof campaignMachine.getPersistedSnapshot>;

let inert: AnyActorScope | null = null;

/**
 * The scope pure transitions run in: made once, and inert — deferred work (XState's own timers)
 * is dropped, nothing is inspected or logged. XState's `transition()` builds a new actor and
 * system for every call; reusing one scope is what makes a transition cost microseconds.
 */
function scope(): AnyActorScope {
  if (inert) return inert;
  const self = createActor(campaignMachine, { input: CampaignDefinition.parse({ preset: 'discount', name: 'scope' }) });
  inert = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: () => {},
  };
  return inert;
}

/**
 * The campaign statechart as pure functions of snapshots — what `createActor(campaignMachine)`
 * computes, without an actor, a system or a scheduler per campaign. The runtime holds snapshots
 * and advances them with {@link campaignLogic.next}; the due instants of timers come from the
 * snapshot ({@link armedTimers}), never from XState's scheduler.
 */
export const campaignLogic = {
  /** The snapshot of a new campaign (what a started actor holds before any event). */
  start(definition: CampaignDefinition): CampaignSnapshot {
    return campaignMachine.getInitialSnapshot(scope(), definition);
  },

  /** A stored snapshot made live again (history states included); unchecked — see the runtime's reader. */
  restore(persisted: PersistedCampaign): CampaignSnapshot {
    return campaignMachine.restoreSnapshot(persisted, scope()) as CampaignSnapshot;
  },

  /** The snapshot after `event` (the same object when no transition is enabled). Throws what a guard or action throws. */
  next(snapshot: CampaignSnapshot, event: CampaignEvent): CampaignSnapshot {
    return campaignMachine.transition(snapshot, event, scope());
  },

  /**
   * Whether an eventless transition (`always`) could move this snapshot on any event. When none
   * can, an event that changes nothing was refused and one that changes something was taken —
   * so a caller may apply first and ask why only on a refusal (every transition of the campaign
   * statechart has a target or an action).
   */
  eventless(snapshot: CampaignSnapshot): boolean {
    return snapshot._nodes.some((node) => node.always !== undefined && node.always.length > 0);
  },

  /** What is stored of a snapshot. */
  persist(snapshot: CampaignSnapshot): PersistedCampaign {
    return campaignMachine.getPersistedSnapshot(snapshot);
  },
};
