import { z } from 'zod';

/**
 * What the change feed carries: one entry of a campaign's history, how a subscriber follows the
 * feed, and what a consumer parked.
 *
 * @module
 */

const Iso = z.string().meta({ format: 'date-time' });

/** One entry of a campaign's history, and one item of the change feed. */
export const CampaignChange = z
  .object({
    seq: z.number().int().meta({ description: 'Global, strictly increasing sequence number' }),
    campaignId: z.string(),
    preset: z.string().nullable().meta({ description: "The campaign's preset (null in changes stored before 0.2 whose campaign is gone)" }),
    version: z.number().int().meta({ description: "The campaign's version after the change" }),
    at: Iso.meta({ description: 'When it was applied (for a timer: when it fired)' }),
    dueAt: Iso.nullable().meta({ description: 'For a timer: when it was due' }),
    event: z.string().meta({ description: 'Command type, timer name (startAt, endAt, …), CREATE or DELETE' }),
    source: z.enum(['user', 'timer', 'system']),
    from: z.string().nullable().meta({ description: 'Status before (null on create)' }),
    to: z.string().nullable().meta({ description: 'Status after (null on delete)' }),
    commandId: z.string().nullable(),
    detail: z.unknown().meta({ description: "Details: an UPDATE's patch, a fault's reason, …" }),
  })
  .meta({ id: 'CampaignChange' });
export type CampaignChange = z.output<typeof CampaignChange>;

export type ChangeListener = (change: CampaignChange) => void | Promise<void>;

/** A change a consumer gave up on, with why and when. */
export const ParkedCampaignChange = z
  .object({
    change: CampaignChange.nullable().meta({ description: 'The change (null when it is no longer in the feed)' }),
    seq: z.number().int(),
    campaignId: z.string(),
    attempts: z.number().int(),
    error: z.string().meta({ description: 'Why the last attempt failed' }),
    parkedAt: z.string().meta({ format: 'date-time' }),
    retry: z.boolean().meta({ description: 'A redelivery is asked for and not yet done' }),
  })
  .meta({ id: 'ParkedChange' });
export type ParkedCampaignChange = z.output<typeof ParkedCampaignChange>;

/** How a subscription follows the feed. */
export interface FeedOptions {
  /** Deliver the changes after this sequence number (default: from now). */
  after?: number | undefined;
  /**
   * Changes a subscriber may have waiting before it leaves the fan-out (default 10 000): it then
   * reads on from memory or the store at its own pace, or — with `onLagged` — its subscription
   * ends and `onLagged` gets the cursor to resume from.
   */
  maxLag?: number | undefined;
  onLagged?: ((cursor: number) => void) | undefined;
}
