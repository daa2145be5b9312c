import { api } from './api.js';
import { fill, h } from './dom.js';
import { mountCalendar } from './pages/calendar.js';
import { mountCampaign } from './pages/campaign.js';
import { mountCreate } from './pages/create.js';
import { mountList } from './pages/list.js';
import { mountWebhooks } from './pages/webhooks.js';

const main = document.getElementById('main');
const live = document.getElementById('live');

let meta = null;
let page = null;

/** `#/campaigns/ID`, `#/new?preset=x`, `#/?status=Active` → page and parameters. */
function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  const campaign = /^\/campaigns\/([^/]+)$/.exec(path);
  if (campaign) return { name: 'campaign', params: { ...params, id: decodeURIComponent(campaign[1]) } };
  if (path === '/new') return { name: 'create', params };
  if (path === '/webhooks') return { name: 'webhooks', params };
  if (path === '/calendar') return { name: 'calendar', params };
  return { name: 'list', params };
}

const PAGES = { list: mountList, create: mountCreate, campaign: mountCampaign, webhooks: mountWebhooks, calendar: mountCalendar };

async function route() {
  page?.unmount?.();
  const { name, params } = parseHash();
  fill(main);
  page = PAGES[name](main, params, meta);
  await page.refresh?.();
}

let failures = 0;

/**
 * Follows the change stream. EventSource reconnects by itself with the last id it saw; when the
 * server refuses that (a 400: the data was reset, the cursor is unknown) or answers an error, the
 * browser gives up — then the page reloads its state and follows the stream again from now.
 */
function connect() {
  const source = new EventSource('/api/changes');
  source.addEventListener('open', () => {
    failures = 0;
    live.dataset.state = 'live';
    live.textContent = 'live';
    void page?.refresh?.();
  });
  source.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
    if (source.readyState !== EventSource.CLOSED) return;
    failures += 1;
    setTimeout(() => void restart(), Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
  });
  source.addEventListener('change', (event) => {
    const change = JSON.parse(event.data);
    page?.onChange?.(change);
  });
}

async function loadMeta() {
  const [presets, statechart] = await Promise.all([api('GET', '/api/presets'), api('GET', '/api/statechart')]);
  meta = { presets, statechart };
}

/** After the stream was refused: reload what the page shows, then follow the stream from now. */
async function restart() {
  try {
    await loadMeta();
    await route();
  } catch {
    // the server is not back yet: the stream's next failure tries again later
  }
  connect();
}

async function start() {
  try {
    await loadMeta();
  } catch (error) {
    fill(main, h('p', { class: 'error' }, `Cannot reach the API: ${error.message}`));
    return;
  }
  window.addEventListener('hashchange', () => void route());
  await route();
  connect();
}

void start();
