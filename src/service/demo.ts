import type { CampaignRuntime } from '../actors/CampaignRuntime.js';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Fills an empty store with one campaign per preset (and a few more), dated around `now` so that
 * something happens within minutes: a discount starts in 2 minutes, a franchise campaign becomes
 * visible in 1 and starts in 3, a gifting campaign expires in 10. Does nothing if any campaign exists.
 * Resolves with the number of campaigns created.
 */
export async function seedDemo(rt: CampaignRuntime): Promise<number> {
  if ((await rt.listPage({ limit: 1 })).items.length > 0) return 0;
  const now = rt.clock.now();
  const timezone = 'Europe/Berlin';

  const spring = await rt.create({
    preset: 'discount',
    name: 'Spring sale −20 %',
    startAt: iso(now + 2 * MINUTE),
    endAt: iso(now + 2 * 60 * MINUTE),
    timezone,
    products: ['tee-basic', 'hoodie-zip'],
    labels: ['spring', 'storewide'],
    content: { code: 'SPRING20', percentOff: 20 },
  });
  await rt.send(spring.id, { type: 'PUBLISH' });

  const menu = await rt.create({
    preset: 'franchise',
    name: 'Summer menu launch',
    visibleAt: iso(now + 1 * MINUTE),
    startAt: iso(now + 3 * MINUTE),
    endAt: iso(now + 7 * 24 * 60 * MINUTE),
    timezone,
    labels: ['summer', 'menu'],
    content: { assets: ['poster-a2.pdf', 'window-sticker.pdf'] },
  });
  await rt.send(menu.id, { type: 'PUBLISH' });

  const welcome = await rt.create({
    preset: 'journey',
    name: 'Welcome journey',
    audience: { mode: 'trigger', event: 'signed_up' },
    endAt: iso(now + 30 * 24 * 60 * MINUTE),
    labels: ['onboarding'],
  });
  await rt.send(welcome.id, { type: 'ACTIVATE' });

  const gifts = await rt.create({
    preset: 'gifting',
    name: 'Client thank-you gifts',
    endAt: iso(now + 10 * MINUTE),
    products: ['mug', 'notebook'],
    labels: ['b2b'],
  });
  await rt.send(gifts.id, { type: 'ACTIVATE' });

  const flash = await rt.create({
    preset: 'discount',
    name: 'Hourly flash sale',
    startAt: iso(now + 5 * MINUTE),
    timezone,
    recurrence: { rule: 'FREQ=HOURLY;INTERVAL=1;COUNT=6', duration: 'PT15M' },
    labels: ['flash'],
  });
  await rt.send(flash.id, { type: 'PUBLISH' });

  await rt.create({
    preset: 'discount',
    name: 'Black Friday (draft)',
    labels: ['q4'],
  });

  const winback = await rt.create({
    preset: 'journey',
    name: 'Win-back blast',
    audience: { mode: 'list', list: 'lapsed-90d' },
  });
  await rt.send(winback.id, { type: 'ACTIVATE' });
  await rt.send(winback.id, { type: 'PAUSE' });

  return 7;
}
