import type { CampaignSnapshot } from './armedTimers.js';
import { campaignLogic, type PersistedCampaign } from './campaignLogic.js';
import { campaignMachine } from './campaignMachine.js';
import { phaseOf } from './phase.js';
import { presets } from './presets/index.js';
import type { SnapshotMigration, StoredSnapshot } from './SnapshotMigration.js';
import { snapshotMigrations } from './snapshotMigrations.js';
import { STATECHART_VERSION } from './statechartVersion.js';
import { StoredSnapshotError, type StoredSnapshotProblem } from './StoredSnapshotError.js';

/** The upgrade path a snapshot is read with: this code's by default (tests pass their own). */
export interface SnapshotUpgrade {
  readonly version: number;
  readonly migrations: readonly SnapshotMigration[];
}

const CURRENT: SnapshotUpgrade = { version: STATECHART_VERSION, migrations: snapshotMigrations };

/** A stored snapshot read back: live again, and the statechart version it was stored by. */
export interface ReadSnapshot {
  snapshot: CampaignSnapshot;
  storedVersion: number;
}

/**
 * How snapshots are stored and read back across statechart versions. `write` records this
 * code's {@link STATECHART_VERSION}; `read` migrates an older snapshot step by step to it (in
 * memory: the store keeps the old one until the campaign's next write), checks that the result is
 * a state of this statechart, and refuses what it cannot read with {@link StoredSnapshotError}.
 */
export const storedSnapshot = {
  /** The text stored for a snapshot. */
  write(snapshot: CampaignSnapshot): string {
    // the version as the first key, spliced into XState's JSON (adding a property to the persisted object costs more)
    return `{"statechartVersion":${STATECHART_VERSION},${JSON.stringify(campaignLogic.persist(snapshot)).slice(1)}`;
  },

  /** The live snapshot of a campaign's stored text. */
  read(campaignId: string, text: string, upgrade: SnapshotUpgrade = CURRENT): ReadSnapshot {
    let stored: StoredSnapshot;
    try {
      stored = JSON.parse(text) as StoredSnapshot;
    } catch (error) {
      throw refusal(campaignId, upgrade, 'unreadable', null, 'its stored snapshot is not valid JSON', { cause: error });
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw refusal(campaignId, upgrade, 'unreadable', null, 'its stored snapshot is not an object');
    const storedVersion = stored.statechartVersion ?? 1;
    if (!Number.isSafeInteger(storedVersion) || storedVersion < 1) {
      throw refusal(campaignId, upgrade, 'unreadable', null, `its stored snapshot records statechart version ${JSON.stringify(storedVersion)}, not a whole number from 1`);
    }
    const v = upgrade.version;
    if (storedVersion > v) {
      throw refusal(campaignId, upgrade, 'newer', storedVersion, `its snapshot was stored by statechart version ${storedVersion}, newer than this code's version ${v}: read it with the release that wrote it, or a later one`);
    }
    const migrated = storedVersion === v ? stored : migrate(campaignId, stored, storedVersion, upgrade);
    try {
      return { snapshot: restore(migrated), storedVersion };
    } catch (error) {
      const as = storedVersion === v ? `statechart version ${v}` : `statechart version ${storedVersion}, migrated to ${v}`;
      const why =
        storedVersion === v
          ? `if the statechart changed since it was stored, STATECHART_VERSION must go to ${v + 1} with the snapshot migration ${v}→${v + 1}`
          : `either the statechart changed after version ${v} without a bump (STATECHART_VERSION must go to ${v + 1} with the snapshot migration ${v}→${v + 1}), or a step from ${storedVersion} to ${v} is wrong`;
      const reason = `its stored snapshot (${as}) is not a state of the campaign statechart (${(error as Error).message}); ${why}`;
      throw refusal(campaignId, upgrade, 'invalid', storedVersion, reason, { cause: error });
    }
  },
};

function refusal(
  campaignId: string,
  upgrade: SnapshotUpgrade,
  problem: StoredSnapshotProblem,
  storedVersion: number | null,
  reason: string,
  more: { migration?: string; cause?: unknown } = {},
): StoredSnapshotError {
  return new StoredSnapshotError({ campaignId, problem, storedVersion, currentVersion: upgrade.version, reason, ...more });
}

/** Every step from `from` to the upgrade's version, or none: a step missing or failing refuses the whole path. */
function migrate(campaignId: string, stored: StoredSnapshot, from: number, upgrade: SnapshotUpgrade): StoredSnapshot {
  let snapshot = stored;
  for (let version = from; version < upgrade.version; version++) {
    const step = upgrade.migrations.find((m) => m.from === version);
    const migration = `${version}→${version + 1}`;
    if (!step) {
      const reason = `its snapshot was stored by statechart version ${from} and this code's statechart is version ${upgrade.version}, but there is no snapshot migration ${migration} (src/machines/snapshotMigrations.ts)`;
      throw refusal(campaignId, upgrade, 'no-migration', from, reason, { migration });
    }
    try {
      snapshot = step.migrate(snapshot);
    } catch (error) {
      const reason = `the snapshot migration ${migration} failed on its snapshot (statechart version ${from}): ${(error as Error).message}`;
      throw refusal(campaignId, upgrade, 'migration-failed', from, reason, { migration, cause: error });
    }
  }
  return snapshot;
}

/** Throws unless the statechart has a state with this id. */
function known(id: string): void {
  try {
    campaignMachine.getStateNodeById(id);
  } catch {
    throw new Error(`its history names the state "${id}", which the statechart does not have`);
  }
}

/** A persisted snapshot made live, checked to be a state of this statechart with a known preset and history. */
function restore(stored: StoredSnapshot): CampaignSnapshot {
  const snapshot = campaignLogic.restore(stored as unknown as PersistedCampaign);
  if (snapshot.status !== 'active' && snapshot.status !== 'done') throw new Error(`the snapshot's status is ${String(snapshot.status)}`);
  if (!Object.hasOwn(presets, snapshot.context.preset)) throw new Error(`unknown preset "${String(snapshot.context.preset)}"`);
  phaseOf(snapshot.value);
  // XState drops a history entry naming a state it does not have: it would resume elsewhere
  const history = stored.historyValue ?? {};
  for (const key in history) {
    known(key);
    for (const entry of history[key]!) known(entry.id);
  }
  return snapshot;
}
