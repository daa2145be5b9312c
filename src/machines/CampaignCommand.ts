import { z } from 'zod';
import { CampaignPatch } from './CampaignDefinition.js';
import { COMMANDS } from './commands.js';
import { Instant } from './Instant.js';

const bare = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

/** A command as sent by a user or the system: validated at the boundary, dates parsed to epoch ms. */
export const CampaignCommand = z.discriminatedUnion(
  'type',
  [
    bare('ACTIVATE'),
    bare('PUBLISH'),
    bare('ACTIVATE_NOW'),
    bare('PAUSE'),
    bare('RESUME'),
    bare('FREEZE'),
    bare('CLOSE'),
    z.strictObject({
      type: z.literal('REACTIVATE'),
      startAt: Instant.optional(),
      endAt: Instant.optional(),
    }),
    bare('END'),
    bare('ABORT'),
    bare('CANCEL'),
    bare('ARCHIVE'),
    z.strictObject({ type: z.literal('UPDATE'), patch: CampaignPatch }),
    z.strictObject({ type: z.literal('SYSTEM_FAULT'), reason: z.string().trim().min(1).max(500) }),
    bare('SYSTEM_RECOVER'),
    bare('AUDIENCE_LIST_LOADED'),
  ],
  { error: `type must be one of ${COMMANDS.join(', ')}` },
);
export type CampaignCommand = z.output<typeof CampaignCommand>;
export type CampaignCommandInput = z.input<typeof CampaignCommand>;

/** Every event the statechart receives carries `at`: the instant it happens (epoch ms). */
export type CampaignEvent = CampaignCommand & { at: number };
