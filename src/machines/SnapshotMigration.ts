/** A state value as stored: a leaf's key, or the active children of a compound or parallel state. */
export type StoredStateValue = string | { [key: string]: StoredStateValue };

/**
 * A snapshot as stored (parsed JSON): XState's persisted snapshot and the statechart version
 * that wrote it (absent in snapshots stored by release 0.1.0: version 1).
 */
export interface StoredSnapshot {
  statechartVersion?: number;
  status: string;
  value: StoredStateValue;
  /** History states' ids, each with the ids of the states it remembers. */
  historyValue?: Record<string, { id: string }[]>;
  context: Record<string, unknown>;
  children: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * One step of the upgrade path of stored snapshots: a pure function from a snapshot written by
 * statechart version `from` to the same campaign as version `from + 1` stores it. It may change
 * its argument (a fresh parse) and returns the migrated snapshot; it throws when it cannot
 * migrate this one. A compatible change of the machine still gets a step: `migrate` returns its
 * argument and `change` says why nothing moves.
 */
export interface SnapshotMigration {
  readonly from: number;
  /** What changed in the statechart, and what the step does about it. */
  readonly change: string;
  readonly migrate: (snapshot: StoredSnapshot) => StoredSnapshot;
}

/**
 * A snapshot with the state node at `from` (a path of keys below the root, e.g.
 * `['published', 'scheduled']`) renamed to `to` (the same path with its last key changed): in its
 * value and in every history entry. The helper for the commonest incompatible change.
 */
export function renameState(snapshot: StoredSnapshot, from: readonly string[], to: readonly string[]): StoredSnapshot {
  if (from.length === 0 || from.length !== to.length || from.slice(0, -1).some((key, i) => key !== to[i])) {
    throw new Error(`renameState: ${from.join('.')} → ${to.join('.')} must rename one state under the same parent`);
  }
  const oldKey = from.at(-1)!;
  const newKey = to.at(-1)!;
  const rename = (value: StoredStateValue, depth: number): StoredStateValue => {
    if (depth === from.length - 1) {
      if (typeof value === 'string') return value === oldKey ? newKey : value;
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key === oldKey ? newKey : key, child]));
    }
    if (typeof value === 'string') return value;
    const key = from[depth]!;
    return key in value ? { ...value, [key]: rename(value[key]!, depth + 1) } : value;
  };
  const oldId = ['campaign', ...from].join('.');
  const newId = ['campaign', ...to].join('.');
  const renamedId = (id: string) => (id === oldId || id.startsWith(`${oldId}.`) ? newId + id.slice(oldId.length) : id);
  const history = snapshot.historyValue;
  return {
    ...snapshot,
    value: rename(snapshot.value, 0),
    ...(history && {
      historyValue: Object.fromEntries(
        Object.entries(history).map(([key, entries]) => [renamedId(key), entries.map((entry) => ({ ...entry, id: renamedId(entry.id) }))]),
      ),
    }),
  };
}
