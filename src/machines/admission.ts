import { z } from 'zod';
import type { CampaignSnapshot } from './armedTimers.js';
import { capabilities } from './describeCampaign.js';
import { Instant, toIso } from './Instant.js';

/** Input of `admit`: who asks to enter, and when their own invite expires. */
export const AdmitInput = z
  .strictObject({
    memberId: z.string().trim().min(1).max(200),
    inviteExpiresAt: Instant.nullable().optional(),
  })
  .meta({ id: 'AdmitInput' });
export type AdmitInput = z.output<typeof AdmitInput>;

/** The answer to an admission: admitted, or why not. */
export const Admission = z
  .object({ admitted: z.boolean(), reason: z.string().optional() })
  .meta({ id: 'Admission' });
export type Admission = z.output<typeof Admission>;

/**
 * Whether the campaign admits a member at `now`: its intake must accept, its end date must not
 * have passed, and the invite's own expiry neither — whichever fires first wins (seed 002).
 */
export function admission(snapshot: CampaignSnapshot, now: number, inviteExpiresAt: number | null | undefined): Admission {
  if (inviteExpiresAt != null && inviteExpiresAt <= now) {
    return { admitted: false, reason: `The invite expired at ${toIso(inviteExpiresAt)}` };
  }
  const endAt = snapshot.context.endAt;
  if (endAt !== null && endAt <= now) return { admitted: false, reason: `The campaign ended at ${toIso(endAt)}` };
  const { acceptsAudience, status } = capabilities(snapshot);
  if (!acceptsAudience) return { admitted: false, reason: `The campaign is ${status} and does not accept new audience` };
  return { admitted: true };
}
