import type { StoredCampaigns } from '../persistence/CampaignStore.js';
import { STATECHART_VERSION } from '../machines/statechartVersion.js';
import { storedSnapshot, type SnapshotUpgrade } from '../machines/storedSnapshot.js';
import { StoredSnapshotError, type StoredSnapshotProblem } from '../machines/StoredSnapshotError.js';

/** Refusals listed one by one (counts are always complete). */
const LISTED = 1_000;

/** A campaign this code would refuse to load, and why. */
export interface RefusedCampaign {
  id: string;
  problem: StoredSnapshotProblem;
  storedVersion: number | null;
  migration: string | null;
  reason: string;
}

/** What a store holds, judged by this code, without writing: `npm run migrate -- --check`. */
export interface SnapshotCheck {
  location: string;
  schema: { found: number; latest: number };
  statechartVersion: number;
  campaigns: number;
  /** Campaigns by the statechart version that stored them (`unknown`: not readable enough to tell). */
  byVersion: Record<string, number>;
  /** Stored by this code's statechart version, and readable. */
  current: number;
  /** Stored by an older version, with a migration path that yields a state of this statechart. */
  wouldMigrate: number;
  refused: number;
  refusedBy: Partial<Record<StoredSnapshotProblem, number>>;
  /** The first {@link LISTED} refusals, in id order. */
  refusals: RefusedCampaign[];
}

/** Reads every campaign of `source` as the runtime would load it (migrations included), and counts. */
export async function checkSnapshots(source: StoredCampaigns, upgrade?: SnapshotUpgrade): Promise<SnapshotCheck> {
  const check: SnapshotCheck = {
    location: source.location,
    schema: { found: source.schemaVersion, latest: source.latestSchemaVersion },
    statechartVersion: upgrade?.version ?? STATECHART_VERSION,
    campaigns: 0,
    byVersion: {},
    current: 0,
    wouldMigrate: 0,
    refused: 0,
    refusedBy: {},
    refusals: [],
  };
  const count = (version: number | null) => {
    const key = version === null ? 'unknown' : String(version);
    check.byVersion[key] = (check.byVersion[key] ?? 0) + 1;
  };
  for await (const row of source.rows()) {
    check.campaigns += 1;
    try {
      const { storedVersion } = storedSnapshot.read(row.id, row.snapshot, upgrade);
      count(storedVersion);
      if (storedVersion === check.statechartVersion) check.current += 1;
      else check.wouldMigrate += 1;
    } catch (error) {
      if (!(error instanceof StoredSnapshotError)) throw error;
      count(error.storedVersion);
      check.refused += 1;
      check.refusedBy[error.problem] = (check.refusedBy[error.problem] ?? 0) + 1;
      if (check.refusals.length < LISTED) {
        check.refusals.push({ id: row.id, problem: error.problem, storedVersion: error.storedVersion, migration: error.migration, reason: error.reason });
      }
    }
  }
  return check;
}

/** Whether the store opens with this code and every campaign in it loads. */
export const checkPassed = (check: SnapshotCheck) => check.refused === 0 && check.schema.found <= check.schema.latest;

/** The check as an operator reads it. */
export function formatSnapshotCheck(check: SnapshotCheck): string {
  const { found, latest } = check.schema;
  const schema =
    found > latest
      ? `v${found}, newer than this code's v${latest}: this code refuses to open the store`
      : found < latest
        ? `v${found}; opening the store with this code migrates it to v${latest}`
        : `v${found}, this code's`;
  const versions = Object.keys(check.byVersion).sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : Number(a) - Number(b)));
  const note = (version: string) =>
    version === 'unknown' ? 'unreadable' : Number(version) === check.statechartVersion ? "this code's" : Number(version) > check.statechartVersion ? 'newer than this code' : 'older';
  const lines = [
    `Store         ${check.location} (read only: nothing was written)`,
    `Store schema  ${schema}`,
    `Statechart    this code's is version ${check.statechartVersion}`,
    '',
    `Campaigns     ${check.campaigns}`,
    ...versions.map((v) => `  stored by statechart version ${v.padEnd(8)} ${String(check.byVersion[v]).padStart(9)}   (${note(v)})`),
    `Current       ${check.current}`,
    `Would migrate ${check.wouldMigrate}   (as each is loaded; stored at version ${check.statechartVersion} by its next write)`,
    `Refused       ${check.refused}`,
    ...Object.entries(check.refusedBy).map(([problem, n]) => `  ${problem.padEnd(32)} ${String(n).padStart(9)}`),
  ];
  if (check.refusals.length > 0) {
    lines.push('', check.refused > check.refusals.length ? `The first ${check.refusals.length} refused:` : 'Refused campaigns:');
    for (const r of check.refusals) lines.push(`  ${r.id}: ${r.reason}`);
  }
  return lines.join('\n');
}
