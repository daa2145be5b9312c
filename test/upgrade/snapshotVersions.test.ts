/**
 * Stored snapshots across statechart versions, through the runtime: an older one is migrated as
 * it is loaded and stored at this code's version by the campaign's next write (the store keeps it
 * as it was until then); one with no path to this version is refused — quarantined with an error
 * naming the campaign and both versions — and its record is never touched.
 */
import { describe, expect, it } from 'vitest';
import {
  type CampaignStore,
  CampaignUnreadableError,
  createCampaignRuntime,
  createManualClock,
  memoryStore,
  STATECHART_VERSION,
  StoredSnapshotError,
} from '../../src/index.js';
import { loadRows, releaseRows, type StoredRow } from '../support/releaseFixtures.js';

const ROWS = releaseRows('0.1.0');
const FIXTURE_NOW = Date.parse('2026-06-01T00:00:00.000Z');

/** A memory store holding one row exactly as given. */
async function storeWith(row: StoredRow): Promise<CampaignStore> {
  const store = memoryStore();
  await loadRows(store, [row]);
  return store;
}

const versionOf = async (store: CampaignStore, id: string) => (JSON.parse((await store.get(id))!.snapshot) as { statechartVersion?: number }).statechartVersion;

describe('stored snapshots across statechart versions', () => {
  it('a 0.1.0 snapshot is read migrated, left as stored until the campaign’s next write, then stored at this version', async () => {
    const row = ROWS.find((r) => r.record.status === 'Draft' && r.record.preset === 'discount')!;
    const store = await storeWith(row);
    const rt = await createCampaignRuntime({ store, clock: createManualClock(FIXTURE_NOW) });
    try {
      const view = await rt.get(row.record.id);
      expect(view.onResume).toBe('keep');
      expect((await store.get(row.record.id))!.snapshot).toBe(row.record.snapshot); // a read writes nothing
      await rt.send(row.record.id, { type: 'UPDATE', patch: { labels: ['migrated'] } });
      expect(await versionOf(store, row.record.id)).toBe(STATECHART_VERSION);
      expect(JSON.parse((await store.get(row.record.id))!.snapshot).context).toMatchObject({ onResume: 'keep', labels: ['migrated'] });
    } finally {
      await rt.stop();
    }
  });

  it('a snapshot of a newer statechart is refused, naming the campaign and both versions; its record and timers stay as they were', async () => {
    const row = ROWS.find((r) => r.timers.length > 0)!;
    const newer = JSON.stringify({ ...JSON.parse(row.record.snapshot), statechartVersion: STATECHART_VERSION + 1 });
    const store = await storeWith({ ...row, record: { ...row.record, snapshot: newer } });
    const stored = await store.get(row.record.id);
    const clock = createManualClock(FIXTURE_NOW);
    const errors: unknown[] = [];
    const rt = await createCampaignRuntime({ store, clock, onError: (e) => errors.push(e) });
    try {
      const error = await rt.get(row.record.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CampaignUnreadableError);
      const cause = (error as CampaignUnreadableError).cause as StoredSnapshotError;
      expect(cause).toBeInstanceOf(StoredSnapshotError);
      expect(cause).toMatchObject({ campaignId: row.record.id, problem: 'newer', storedVersion: STATECHART_VERSION + 1, currentVersion: STATECHART_VERSION });
      expect((error as Error).message).toContain(`Campaign ${row.record.id} cannot be read: its snapshot was stored by statechart version ${STATECHART_VERSION + 1}, newer than this code's version ${STATECHART_VERSION}`);
      // past its due date: the timer is held, the record untouched
      await clock.advanceTo(Math.max(...row.timers.map((t) => t.dueAt)) + 1);
      expect(await store.get(row.record.id)).toEqual(stored);
      expect(await store.timers(row.record.id)).toEqual(row.timers);
      expect((await rt.health()).quarantined).toEqual([expect.objectContaining({ campaignId: row.record.id })]);
      expect(await rt.send(row.record.id, { type: 'ABORT' }).catch((e: unknown) => e)).toBeInstanceOf(CampaignUnreadableError);
      expect(await store.get(row.record.id)).toEqual(stored);
    } finally {
      await rt.stop();
    }
  });
});
