/**
 * The version of the campaign statechart, recorded in every stored snapshot
 * (`statechartVersion`). Bump it by hand with every change of the machine's config and add the
 * snapshot migration from the previous version to {@link snapshotMigrations};
 * `test/machines/statechartVersion.test.ts` fingerprints the config and fails until both are
 * done. Snapshots stored before versions were recorded (release 0.1.0) are version 1.
 */
export const STATECHART_VERSION = 2;
