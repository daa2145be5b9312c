import { CampaignError } from './ValidationError.js';

/**
 * Why a stored snapshot cannot be read with this code:
 * - `unreadable`: not JSON, or no statechart version recorded as a whole number;
 * - `newer`: written by a later statechart than this code's;
 * - `no-migration`: no snapshot migration leads from its version to this code's;
 * - `migration-failed`: a migration step threw on it;
 * - `invalid`: (once migrated) not a state of this code's statechart.
 */
export type StoredSnapshotProblem = 'unreadable' | 'newer' | 'no-migration' | 'migration-failed' | 'invalid';

/**
 * A stored snapshot that this code cannot restore. Nothing was changed: a snapshot is migrated
 * entirely (every step from its version to this code's) or not at all.
 */
export class StoredSnapshotError extends CampaignError {
  readonly campaignId: string;
  readonly problem: StoredSnapshotProblem;
  /** The statechart version that stored the snapshot (`null` when it cannot be told). */
  readonly storedVersion: number | null;
  /** This code's statechart version. */
  readonly currentVersion: number;
  /** The step that is missing or failed, as `"from→to"` (`null` for other problems). */
  readonly migration: string | null;
  readonly reason: string;

  constructor(details: {
    campaignId: string;
    problem: StoredSnapshotProblem;
    storedVersion: number | null;
    currentVersion: number;
    migration?: string | null;
    reason: string;
    cause?: unknown;
  }) {
    super(`Campaign ${details.campaignId}: ${details.reason}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.campaignId = details.campaignId;
    this.problem = details.problem;
    this.storedVersion = details.storedVersion;
    this.currentVersion = details.currentVersion;
    this.migration = details.migration ?? null;
    this.reason = details.reason;
  }
}
