import { definePreset } from '../Preset.js';

/** Corporate gifting / redemption-link campaigns — seed 002. */
export const gifting = definePreset({
  name: 'gifting',
  title: 'Gifting / redemption-link campaign',
  seed: '002_702927483bef55d2.txt',
  statuses: {
    draft: 'Draft',
    active: 'Active',
    closed: 'Paused',
    ended: 'Expired',
  },
  transitions: [
    ['draft', 'ACTIVATE', 'active'],
    ['draft', 'UPDATE', 'draft'],
    ['active', 'PAUSE', 'closed'],
    ['active', 'END', 'ended'],
    ['active', 'windowEnd', 'ended'],
    ['active', 'UPDATE', 'active'],
    ['closed', 'RESUME', 'active'],
    ['closed', 'END', 'ended'],
    ['closed', 'windowEnd', 'ended'],
    ['closed', 'UPDATE', 'closed'],
  ],
  editable: { draft: 'full', active: 'restricted', closed: 'restricted' },
  deletable: ['draft'],
  visible: ['active'],
  processing: ['active', 'closed', 'ended'],
  fields: { startAt: false, visibleAt: false, recurrence: false, onResume: false },
  activation: { command: 'ACTIVATE', requires: ['products'] },
});
