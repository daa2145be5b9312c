import { createCampaignRuntime, memoryStore, sqliteStore, createManualClock } from './src/index.ts';
const clock = createManualClock('2026-01-01T00:00:00Z');
const store = process.argv[2] === 'sqlite' ? sqliteStore({ path: '/tmp/dbg/c.db' }) : memoryStore();
const rt = await createCampaignRuntime({ store, clock });
const c = await rt.create({ preset: 'franchise', name: 'BF', startAt: '2026-03-01T00:00:00Z', endAt: '2026-06-01T00:00:00Z', visibleAt: '2026-02-15T00:00:00Z' });
console.log(c.status, c.version, c.actions);
const p = await rt.send(c.id, { type: 'PUBLISH' });
console.log(p.status, p.visible, p.nextTimer, p.version);
console.log(await rt.forecast(c.id));
await clock.advanceTo('2026-02-20T00:00:00Z');
console.log((await rt.get(c.id)).visible);
await clock.advanceTo('2026-03-02T00:00:00Z');
const g = await rt.get(c.id); console.log(g.status, g.version, g.nextTimer);
try { await rt.send(c.id, { type: 'ARCHIVE' }); } catch (e: any) { console.log(e.name, e.status, e.command, e.allowed, e.reason); }
try { await rt.send(c.id, { type: 'PAUSE', bogus: 1 } as any); } catch (e: any) { console.log(e.name, e.message); }
await clock.advanceTo('2026-07-01T00:00:00Z');
console.log((await rt.get(c.id)).status, await rt.counts());
console.log((await rt.history(c.id)).map(h => `${h.seq} ${h.event} ${h.source} ${h.from}->${h.to} due=${h.dueAt} at=${h.at}`).join('\n'));
console.log(await rt.health());
await rt.stop();
