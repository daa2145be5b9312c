import { createActor } from 'xstate';
import { campaignMachine, CampaignDefinition, describeCampaign } from './dist/machines/index.js';
const noClock = { setTimeout: () => 0, clearTimeout: () => {} };
const def = CampaignDefinition.parse({ preset: 'discount', name: 'Spring sale', startAt: '2026-01-01T00:00:00Z', endAt: '2027-01-01T00:00:00Z' });
const a = createActor(campaignMachine, { input: def, clock: noClock }).start();
a.send({ type: 'PUBLISH', at: Date.parse('2026-02-01T00:00:00Z') });
const at = Date.parse('2026-02-02T00:00:00Z');
let flip = false;
for (let i = 0; i < 300000; i++) { a.send({ type: flip ? 'RESUME' : 'PAUSE', at }); flip = !flip; if (i % 3 === 0) describeCampaign(a.getSnapshot(), at); }
