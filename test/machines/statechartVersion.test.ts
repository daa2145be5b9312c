import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { initialContext } from '../../src/machines/CampaignContext.js';
import { CampaignDefinition } from '../../src/machines/CampaignDefinition.js';
import { campaignMachine } from '../../src/machines/campaignMachine.js';
import { snapshotMigrations } from '../../src/machines/snapshotMigrations.js';
import { STATECHART_VERSION } from '../../src/machines/statechartVersion.js';

/**
 * The fingerprint of every statechart version, as released: append the new version's line when
 * you bump STATECHART_VERSION, and never edit a line (stores hold snapshots of each).
 */
const FINGERPRINTS: Record<number, string> = {
  1: 'b0c5ced42d297edb', // release 0.1.0 (9ba3b1b)
  2: 'b5411edd3ba9ba2c', // onResume
};

/**
 * What a stored snapshot depends on: the states, their ids, history and transitions (events,
 * targets, guard and action names, delays) and the context's fields. Implementations of guards,
 * actions and delays are not in it: changing what they compute keeps stored snapshots readable
 * (the graph paths and the fixture test judge whether it keeps their meaning).
 */
function fingerprint(): string {
  const structure = JSON.stringify(campaignMachine.definition, (key, value: unknown) =>
    key === 'toJSON' ? undefined : typeof value === 'function' ? `ƒ ${value.name}` : value,
  );
  const context = Object.keys(initialContext(CampaignDefinition.parse({ preset: 'discount', name: 'fingerprint' }))).sort();
  return createHash('sha256').update(structure).update(JSON.stringify(context)).digest('hex').slice(0, 16);
}

describe('the statechart version', () => {
  it('is bumped whenever the machine changes', () => {
    const now = fingerprint();
    const recorded = FINGERPRINTS[STATECHART_VERSION];
    if (recorded === undefined) {
      expect.fail(`STATECHART_VERSION is ${STATECHART_VERSION} but no fingerprint is recorded for it: add "${STATECHART_VERSION}: '${now}'," to FINGERPRINTS in this file`);
    }
    if (recorded !== now) {
      const next = STATECHART_VERSION + 1;
      expect.fail(
        `The campaign statechart changed (fingerprint ${now}, version ${STATECHART_VERSION} was ${recorded}) but STATECHART_VERSION is still ${STATECHART_VERSION}. ` +
          `Bump it to ${next} (src/machines/statechartVersion.ts), add the snapshot migration ${STATECHART_VERSION}→${next} to src/machines/snapshotMigrations.ts ` +
          `(one that returns its argument, with the reason, if stored snapshots stay valid) and record "${next}: '${now}'," in FINGERPRINTS here.`,
      );
    }
  });

  it('every version after the first has one migration from the version before', () => {
    const froms = snapshotMigrations.map((m) => m.from);
    const expected = Array.from({ length: STATECHART_VERSION - 1 }, (_, i) => i + 1);
    expect(froms, `snapshotMigrations must hold exactly one step from each of versions ${JSON.stringify(expected)}, in order`).toEqual(expected);
    for (const step of snapshotMigrations) expect(step.change.trim(), `migration ${step.from}→${step.from + 1} says what changed`).not.toBe('');
  });

  it('every released version has its fingerprint, and none is ahead of the code', () => {
    expect(Object.keys(FINGERPRINTS).map(Number)).toEqual(Array.from({ length: STATECHART_VERSION }, (_, i) => i + 1));
  });
});
