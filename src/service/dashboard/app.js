import { api } from './api.js';
import { fill, h } from './dom.js';
import { mountCampaign } from './pages/campaign.js';
import { mountCreate } from './pages/create.js';
import { mountList } from './pages/list.js';

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
  return { name: 'list', params };
}

const PAGES = { list: mountList, create: mountCreate, campaign: mountCampaign };

async function route() {
  page?.unmount?.();
  const { name, params } = parseHash();
  fill(main);
  page = PAGES[name](main, params, meta);
  await page.refresh?.();
}

function connect() {
  const source = new EventSource('/api/changes');
  source.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    void page?.refresh?.();
  });
  source.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
  });
  source.addEventListener('change', (event) => {
    const change = JSON.parse(event.data);
    page?.onChange?.(change);
  });
}

async function start() {
  try {
    const [presets, statechart] = await Promise.all([api('GET', '/api/presets'), api('GET', '/api/statechart')]);
    meta = { presets, statechart };
  } catch (error) {
    fill(main, h('p', { class: 'error' }, `Cannot reach the API: ${error.message}`));
    return;
  }
  window.addEventListener('hashchange', () => void route());
  await route();
  connect();
}

void start();
