import type { SnapshotMigration } from './SnapshotMigration.js';

/**
 * The upgrade path of stored snapshots, one step per statechart version after the first
 * (`from: 1` takes a snapshot to version 2, and so on up to {@link STATECHART_VERSION}). Append
 * only: a released step never changes, because stores written by that release still hold it.
 * See docs/architecture.md, "Upgrading stored campaigns".
 */
export const snapshotMigrations: readonly SnapshotMigration[] = [
  {
    from: 1,
    change:
      'The context gains onResume (discount campaigns may extend their dates on resume); 0.1.0 kept dates absolute, so its campaigns get "keep". ' +
      'Guards became one function per transition and RESUME gained the extending actions: states, ids and history are unchanged.',
    migrate: (snapshot) => {
      snapshot.context['onResume'] ??= 'keep';
      return snapshot;
    },
  },
];
