import { expect } from 'vitest';
import { armedTimers, type CampaignDescription, type CampaignSnapshot, describeCampaign, presets } from '../../src/machines/index.js';

/**
 * The seed rules that must hold in every reachable state, checked on the derived description.
 * Returns the description so callers can compare it further.
 */
export function checkInvariants(snapshot: CampaignSnapshot, at: number): CampaignDescription {
  const d = describeCampaign(snapshot, at);
  const preset = snapshot.context.preset;
  const where = `${preset} ${d.status} (${JSON.stringify(snapshot.value)})`;
  const timers = armedTimers(snapshot);

  // every preset
  expect(d.acceptsAudience, where).toBe(d.intake === 'accepting');
  expect(d.intake !== null, where).toBe(['active', 'closed', 'paused', 'pausedClosed', 'frozen'].includes(d.phase));
  if (d.intake === 'frozen') expect([d.acceptsAudience, d.processing], where).toEqual([false, false]);
  expect(d.processing, where).toBe(presets[preset].processing.includes(d.phase));
  if (['draft', 'ended', 'error', 'aborted', 'archived'].includes(d.phase)) {
    expect([d.acceptsAudience, d.visible], where).toEqual([false, false]);
  }
  if (['draft', 'scheduled', 'held', 'paused', 'pausedClosed', 'frozen', 'error', 'aborted', 'archived'].includes(d.phase)) {
    expect(d.processing, where).toBe(false);
  }
  if (d.phase === 'aborted' || d.phase === 'archived') {
    expect(d.actions, where).toEqual([]);
    expect(d.editable, where).toBe('none');
    expect(timers, where).toEqual([]);
  }
  if (d.phase === 'draft') expect(d.editable, where).toBe('full');
  for (const command of d.actions) expect(d.refusals[command], where).toBeUndefined();
  for (const reason of Object.values(d.refusals)) expect(reason, where).toMatch(/\w/);
  expect([...d.actions].sort(), where).toEqual(d.actions);

  switch (preset) {
    case 'journey':
      if (d.status === 'Active') expect([d.acceptsAudience, d.processing], where).toEqual([true, true]);
      if (d.status === 'Closed') expect([d.acceptsAudience, d.processing], where).toEqual([false, true]);
      if (d.status === 'Paused') {
        expect(d.processing, where).toBe(false);
        // new customers keep entering, unless the end date or the list load closed intake
        if (d.phase === 'paused') expect(d.acceptsAudience, where).toBe(true);
      }
      if (d.status === 'Frozen') expect([d.intake, d.processing], where).toEqual(['frozen', false]);
      if (d.status === 'Error') {
        expect(d.actions, where).toEqual(['ABORT']);
        expect(snapshot.context.fault, where).not.toBeNull();
      }
      if (d.status !== 'Designing' && d.status !== 'Aborted') expect(d.actions, where).toContain('ABORT');
      if (d.status === 'Designing') expect(d.actions, where).not.toContain('ABORT');
      break;
    case 'discount':
      expect(d.processing, where).toBe(d.status === 'Active');
      expect(d.visible, where).toBe(d.status === 'Active');
      expect(d.deletable, where).toBe(d.status !== 'Active');
      if (d.status === 'Paused') expect(timers, where).toEqual([]); // schedule timers pause
      break;
    case 'gifting':
      expect(['Draft', 'Active', 'Paused', 'Expired'], where).toContain(d.status);
      if (d.status === 'Active') expect([d.acceptsAudience, d.processing], where).toEqual([true, true]);
      if (d.status === 'Paused') {
        expect([d.acceptsAudience, d.processing], where).toEqual([false, true]);
        if (snapshot.context.endAt !== null) expect(timers.map((t) => t.timer), where).toContain('windowEnd');
      }
      if (d.status === 'Expired') {
        expect(d.actions, where).toEqual([]);
        expect(d.editable, where).toBe('none');
        expect([d.acceptsAudience, d.processing], where).toEqual([false, true]); // placed orders still ship
      }
      break;
    case 'franchise': {
      const visibleAt = snapshot.context.visibleAt;
      const announced = visibleAt === null || visibleAt <= at;
      if (d.status === 'Active' || (d.status === 'Scheduled' && announced)) expect(d.visible, where).toBe(true);
      // a Scheduled campaign already shown stays shown when visibleAt is moved later (decisions.md)
      if (d.status !== 'Active' && d.status !== 'Scheduled') expect(d.visible, where).toBe(false);
      if (d.status === 'Paused') expect([d.visible, d.processing], where).toEqual([false, false]);
      if (d.status === 'Archived') expect(d.actions, where).toEqual([]);
      if (['Scheduled', 'Active', 'Paused'].includes(d.status)) expect(d.actions, where).toContain('CANCEL');
      break;
    }
  }
  return d;
}
