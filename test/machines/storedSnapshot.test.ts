import { describe, expect, it } from 'vitest';
import { campaignLogic } from '../../src/machines/campaignLogic.js';
import { CampaignDefinition } from '../../src/machines/CampaignDefinition.js';
import { renameState, type SnapshotMigration, type StoredSnapshot } from '../../src/machines/SnapshotMigration.js';
import { snapshotMigrations } from '../../src/machines/snapshotMigrations.js';
import { STATECHART_VERSION } from '../../src/machines/statechartVersion.js';
import { storedSnapshot } from '../../src/machines/storedSnapshot.js';
import { StoredSnapshotError } from '../../src/machines/StoredSnapshotError.js';
import { releaseRows } from '../support/releaseFixtures.js';

/** Snapshots stored by release 0.1.0 (no statechart version recorded: version 1). */
const RELEASED = releaseRows('0.1.0').map((r) => r.record);
const T0 = Date.UTC(2026, 5, 1);
const scheduled = () => {
  const start = campaignLogic.start(CampaignDefinition.parse({ preset: 'discount', name: 'Spring', startAt: new Date(T0 + 86_400_000).toISOString() }));
  return campaignLogic.next(start, { type: 'PUBLISH', at: T0 });
};

function refusal(read: () => unknown): StoredSnapshotError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(StoredSnapshotError);
    return error as StoredSnapshotError;
  }
  throw new Error('expected the snapshot to be refused');
}

describe('storedSnapshot', () => {
  it('records this code’s statechart version and reads its own writing back unchanged', () => {
    const snapshot = scheduled();
    const text = storedSnapshot.write(snapshot);
    expect(JSON.parse(text)).toMatchObject({ statechartVersion: STATECHART_VERSION, value: { published: expect.anything() } });
    const read = storedSnapshot.read('a', text);
    expect(read.storedVersion).toBe(STATECHART_VERSION);
    expect(campaignLogic.persist(read.snapshot)).toEqual(campaignLogic.persist(snapshot));
  });

  it('reads every snapshot release 0.1.0 stored as version 1, migrated to this code’s version', () => {
    expect(RELEASED.length).toBeGreaterThan(50);
    for (const record of RELEASED) {
      expect(JSON.parse(record.snapshot)).not.toHaveProperty('statechartVersion');
      const { snapshot, storedVersion } = storedSnapshot.read(record.id, record.snapshot);
      expect(storedVersion).toBe(1);
      expect(snapshot.context.onResume).toBe('keep');
      // written again, it is at this code's version and reads back as it is
      expect(JSON.parse(storedSnapshot.write(snapshot)).statechartVersion).toBe(STATECHART_VERSION);
    }
  });

  it('refuses a snapshot stored by a newer statechart, naming the campaign and both versions', () => {
    const text = JSON.stringify({ ...JSON.parse(storedSnapshot.write(scheduled())), statechartVersion: STATECHART_VERSION + 1 });
    const error = refusal(() => storedSnapshot.read('spring-1', text));
    expect(error).toMatchObject({ campaignId: 'spring-1', problem: 'newer', storedVersion: STATECHART_VERSION + 1, currentVersion: STATECHART_VERSION, migration: null });
    expect(error.message).toContain('spring-1');
    expect(error.message).toContain(`statechart version ${STATECHART_VERSION + 1}, newer than this code's version ${STATECHART_VERSION}`);
  });

  it('refuses a snapshot with no path to this version, naming the missing migration, and changes nothing', () => {
    const text = RELEASED[0]!.snapshot;
    const next = STATECHART_VERSION + 1;
    const error = refusal(() => storedSnapshot.read('old', text, { version: next, migrations: snapshotMigrations }));
    expect(error).toMatchObject({ problem: 'no-migration', storedVersion: 1, currentVersion: next, migration: `${STATECHART_VERSION}→${next}` });
    expect(error.message).toContain(`no snapshot migration ${STATECHART_VERSION}→${next}`);
  });

  it('refuses the whole path when a step fails: no snapshot comes back half-migrated', () => {
    const steps: SnapshotMigration[] = [
      { from: 1, change: 'marks', migrate: (s) => ({ ...s, context: { ...s.context, marked: true } }) },
      {
        from: 2,
        change: 'fails',
        migrate: () => {
          throw new Error('cannot place the audience');
        },
      },
    ];
    const error = refusal(() => storedSnapshot.read('old', RELEASED[0]!.snapshot, { version: 3, migrations: steps }));
    expect(error).toMatchObject({ problem: 'migration-failed', storedVersion: 1, currentVersion: 3, migration: '2→3' });
    expect(error.message).toContain('the snapshot migration 2→3 failed on its snapshot (statechart version 1): cannot place the audience');
  });

  it('applies every step in order, and the result must be a state of the statechart', () => {
    // two versions past this code's: one renames a state, the next renames it back; the path must end where it began
    const v = STATECHART_VERSION;
    const there: SnapshotMigration = { from: v, change: 'scheduled → upcoming', migrate: (s) => renameState(s, ['published', 'scheduled'], ['published', 'upcoming']) };
    const back: SnapshotMigration = { from: v + 1, change: 'upcoming → scheduled', migrate: (s) => renameState(s, ['published', 'upcoming'], ['published', 'scheduled']) };
    for (const record of RELEASED) {
      const direct = storedSnapshot.read(record.id, record.snapshot);
      const roundTrip = storedSnapshot.read(record.id, record.snapshot, { version: v + 2, migrations: [...snapshotMigrations, there, back] });
      expect(campaignLogic.persist(roundTrip.snapshot)).toEqual(campaignLogic.persist(direct.snapshot));
    }
    // stopping half way leaves a state this statechart does not have: refused, not restored
    const inScheduled = RELEASED.find((r) => r.snapshot.includes('"scheduled"'))!;
    const error = refusal(() => storedSnapshot.read(inScheduled.id, inScheduled.snapshot, { version: v + 1, migrations: [...snapshotMigrations, there] }));
    expect(error).toMatchObject({ problem: 'invalid', storedVersion: 1, currentVersion: v + 1 });
    expect(error.message).toContain(`statechart version 1, migrated to ${v + 1}`);
    expect(error.message).toContain("'upcoming'");
    expect(error.message).toContain(`either the statechart changed after version ${v + 1} without a bump (STATECHART_VERSION must go to ${v + 2} with the snapshot migration ${v + 1}→${v + 2})`);
  });

  it('refuses a snapshot at this version that is not a state of the statechart, saying which migration would be missing', () => {
    const stored = JSON.parse(storedSnapshot.write(scheduled())) as StoredSnapshot;
    const error = refusal(() => storedSnapshot.read('moved', JSON.stringify({ ...stored, value: { published: 'upcoming' } })));
    expect(error).toMatchObject({ problem: 'invalid', storedVersion: STATECHART_VERSION });
    expect(error.message).toContain(`STATECHART_VERSION must go to ${STATECHART_VERSION + 1} with the snapshot migration ${STATECHART_VERSION}→${STATECHART_VERSION + 1}`);
  });

  it('refuses a history entry naming a state the statechart does not have (XState would drop it silently)', () => {
    const archived = RELEASED.find((r) => r.snapshot.includes('"historyValue":{"campaign.published.hist"'))!;
    const stored = JSON.parse(archived.snapshot) as StoredSnapshot;
    stored.historyValue = { 'campaign.published.hist': [{ id: 'campaign.published.upcoming.countdown.waiting' }] };
    const error = refusal(() => storedSnapshot.read(archived.id, JSON.stringify(stored)));
    expect(error.problem).toBe('invalid');
    expect(error.message).toContain('campaign.published.upcoming.countdown.waiting');
  });

  it.each([
    ['not JSON', '{"value":', 'not valid JSON'],
    ['not an object', '[1,2]', 'not an object'],
    ['a version that is not a whole number', JSON.stringify({ statechartVersion: '2', value: 'draft' }), 'records statechart version "2"'],
    ['version 0', JSON.stringify({ statechartVersion: 0, value: 'draft' }), 'records statechart version 0'],
  ])('refuses a snapshot that is %s as unreadable', (_what, text, message) => {
    const error = refusal(() => storedSnapshot.read('x', text));
    expect(error).toMatchObject({ problem: 'unreadable', storedVersion: null });
    expect(error.message).toContain(message);
  });
});

describe('renameState', () => {
  const stored = (value: StoredSnapshot['value'], historyValue: StoredSnapshot['historyValue'] = {}): StoredSnapshot => ({ status: 'active', value, historyValue, context: {}, children: {} });

  it('renames a leaf, a compound state in the value, and every history id under it', () => {
    expect(renameState(stored('draft'), ['draft'], ['designing']).value).toBe('designing');
    const renamed = renameState(
      stored({ published: { scheduled: { countdown: 'waiting', visibility: 'hidden' } } }, { 'campaign.published.hist': [{ id: 'campaign.published.scheduled.countdown.waiting' }, { id: 'campaign.published.schedule' }] }),
      ['published', 'scheduled'],
      ['published', 'upcoming'],
    );
    expect(renamed.value).toEqual({ published: { upcoming: { countdown: 'waiting', visibility: 'hidden' } } });
    expect(renamed.historyValue).toEqual({ 'campaign.published.hist': [{ id: 'campaign.published.upcoming.countdown.waiting' }, { id: 'campaign.published.schedule' }] });
    expect(renameState(stored('archived'), ['published', 'scheduled'], ['published', 'upcoming']).value).toBe('archived');
  });

  it('refuses what is not the rename of one state under its parent', () => {
    expect(() => renameState(stored('draft'), ['published', 'scheduled'], ['scheduled'])).toThrow('must rename one state under the same parent');
    expect(() => renameState(stored('draft'), [], [])).toThrow();
  });
});
