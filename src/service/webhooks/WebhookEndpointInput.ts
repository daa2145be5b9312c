import { z } from 'zod';
import { COMMANDS } from '../../machines/commands.js';
import { PresetName } from '../../machines/Preset.js';

/** The events a change can carry: commands, the dates that fall due, creation and deletion. */
const CHANGE_EVENTS = [...COMMANDS, 'startAt', 'visibleAt', 'endAt', 'occurrenceStart', 'occurrenceEnd', 'CREATE', 'DELETE'] as const;

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** A Standard Webhooks signing secret: `whsec_` and 24 to 64 random bytes in base64. */
const WebhookSecret = z
  .string()
  .regex(SECRET, 'secret must be whsec_ followed by base64 (Standard Webhooks)')
  .refine((secret) => {
    const bytes = Buffer.from(SECRET.exec(secret)?.[1] ?? '', 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'secret must hold 24 to 64 random bytes')
  .meta({ description: 'Signing secret, `whsec_` + base64 of 24–64 random bytes. Write-only: never returned.', writeOnly: true });

/** What registers a webhook endpoint (`POST /api/webhooks`). */
export const WebhookEndpointInput = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })
      .max(2_000)
      .refine((url) => !new URL(url).username && !new URL(url).password, 'url must not carry credentials (the signature authenticates)'),
    events: z
      .array(z.enum(CHANGE_EVENTS))
      .max(CHANGE_EVENTS.length)
      .default([])
      .meta({ description: 'Change events delivered (commands, dates that fall due, CREATE, DELETE); empty: every change' }),
    presets: z.array(PresetName).max(4).default([]).meta({ description: 'Presets delivered; empty: all' }),
    secret: WebhookSecret,
    description: z.string().max(500).nullable().default(null),
  })
  .meta({ id: 'WebhookEndpointInput' });
export type WebhookEndpointInput = z.input<typeof WebhookEndpointInput>;
