import { definePreset } from '../Preset.js';

/** WordPress-style discount campaigns, optionally recurring — seed 001. */
export const discount = definePreset({
  name: 'discount',
  title: 'E-commerce discount campaign',
  seed: '001_229953bd4ad56db8.txt',
  statuses: {
    draft: 'Draft',
    scheduled: 'Scheduled',
    active: 'Active',
    frozen: 'Paused',
    ended: 'Expired',
  },
  transitions: [
    ['draft', 'PUBLISH', 'scheduled'],
    ['draft', 'PUBLISH', 'active'],
    ['draft', 'UPDATE', 'draft'],
    ['scheduled', 'startAt', 'active'],
    ['scheduled', 'ACTIVATE_NOW', 'active'],
    ['scheduled', 'UPDATE', 'scheduled'],
    ['active', 'PAUSE', 'frozen'],
    ['active', 'END', 'ended'],
    ['active', 'windowEnd', 'ended'],
    ['active', 'windowEnd', 'scheduled'],
    ['active', 'windowEnd', 'active'],
    ['active', 'UPDATE', 'active'],
    ['frozen', 'RESUME', 'active'],
    ['frozen', 'RESUME', 'scheduled'],
    ['frozen', 'UPDATE', 'frozen'],
    ['ended', 'REACTIVATE', 'scheduled'],
    ['ended', 'REACTIVATE', 'active'],
  ],
  editable: { draft: 'full', scheduled: 'full', active: 'restricted', frozen: 'restricted' },
  deletable: ['draft', 'scheduled', 'frozen', 'ended'],
  visible: ['active'],
  processing: ['active'],
  // seed 001: "Schedule timers pause (remaining time preserved)" — offered as onResume: 'extend'
  fields: { startAt: true, visibleAt: false, recurrence: true, onResume: true },
  activation: { command: 'PUBLISH', requires: [] },
});
