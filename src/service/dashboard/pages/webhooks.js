import { api, ApiError } from '../api.js';
import { debounce, fill, h } from '../dom.js';
import { formatDate, relative } from '../format.js';

/** A Standard Webhooks secret made in the browser: `whsec_` + 32 random bytes in base64. */
function newSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

const lagText = (consumer) => {
  if (!consumer) return 'starting…';
  if (consumer.lag.changes === 0) return 'caught up';
  const seconds = consumer.lag.seconds === null ? '' : `, oldest ${Math.round(consumer.lag.seconds)} s old`;
  return `${consumer.lag.changes} change${consumer.lag.changes === 1 ? '' : 's'} behind${seconds}`;
};

const heldText = { here: 'this instance', elsewhere: 'another instance', nobody: 'nobody (taken over within its lease)' };

/**
 * Webhooks: register an endpoint (the secret is made here and shown once, before it is sent),
 * the endpoints with their delivery lag, each one's delivery log and parked changes with
 * "Redeliver", and every durable consumer of the feed.
 */
export function mountWebhooks(main, params, meta) {
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'webhook-error' });
  const notice = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'webhook-notice' });
  const list = h('div', { 'data-testid': 'webhook-list' });
  const consumers = h('tbody');
  // the value is a property, never an attribute: form.reset() must not bring an old secret back
  const secretInput = h('input', { name: 'secret', required: true, readonly: true, class: 'mono', 'aria-describedby': 'secret-help' });
  secretInput.value = newSecret();
  const events = [...new Set(meta.presets.flatMap((p) => p.commands))];
  const form = h(
    'form',
    { class: 'card', 'data-testid': 'webhook-form', onsubmit: (e) => void register(e) },
    h('h2', {}, 'Register an endpoint'),
    h('label', {}, 'URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://shop.example.com/hooks/campaigns' })),
    h('label', {}, 'Description', h('input', { name: 'description', maxlength: 500 })),
    h(
      'label',
      {},
      'Events (none selected: every change)',
      h(
        'select',
        { name: 'events', multiple: true, size: 6 },
        ['CREATE', 'DELETE', 'startAt', 'endAt', 'visibleAt', 'occurrenceStart', 'occurrenceEnd', ...events].map((e) => h('option', { value: e }, e)),
      ),
    ),
    h(
      'label',
      {},
      'Presets (none selected: all)',
      h('select', { name: 'presets', multiple: true, size: 4 }, meta.presets.map((p) => h('option', { value: p.name }, p.title))),
    ),
    h(
      'label',
      {},
      'Signing secret',
      secretInput,
      h('small', { id: 'secret-help' }, 'Copy it now into your receiver: it is never shown again. Verify each delivery with a Standard Webhooks library.'),
    ),
    h('button', { type: 'submit', 'data-testid': 'webhook-register' }, 'Register'),
  );

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Webhooks')),
    message,
    notice,
    list,
    form,
    h('h2', {}, 'Consumers of the change feed'),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { 'data-testid': 'consumer-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Cursor', 'Lag', 'Parked', 'Delivered by'].map((t) => h('th', {}, t)))),
        consumers,
      ),
    ),
  );

  async function register(event) {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      url: data.get('url'),
      secret: data.get('secret'),
      events: data.getAll('events'),
      presets: data.getAll('presets'),
      description: data.get('description') || null,
    };
    try {
      const endpoint = await api('POST', '/api/webhooks', { body });
      form.reset();
      secretInput.value = newSecret();
      notice.textContent = `Registered ${endpoint.url}: changes from now on are delivered to it.`;
      message.textContent = '';
      await refresh();
    } catch (error) {
      message.textContent = error instanceof ApiError ? describe(error) : String(error.message ?? error);
    }
  }

  const describe = (error) => {
    const issues = error.body?.issues?.map((i) => `${(i.path ?? []).join('.') || 'input'}: ${i.message}`) ?? [];
    return [error.message, ...issues].join(' — ');
  };

  async function remove(endpoint) {
    if (!confirm(`Stop delivering to ${endpoint.url} and forget its delivery log?`)) return;
    try {
      await api('DELETE', `/api/webhooks/${encodeURIComponent(endpoint.id)}`);
      notice.textContent = `Removed ${endpoint.url}.`;
      await refresh();
    } catch (error) {
      message.textContent = describe(error);
    }
  }

  async function redeliver(endpoint, seq) {
    try {
      await api('POST', `/api/webhooks/${encodeURIComponent(endpoint.id)}/parked/${seq}/redeliver`);
      notice.textContent = `Change ${seq} is being delivered again to ${endpoint.url}.`;
      setTimeout(() => void refresh(), 1_500);
    } catch (error) {
      message.textContent = describe(error);
    }
  }

  function endpointCard(endpoint, deliveries, parked) {
    const id = encodeURIComponent(endpoint.id);
    return h(
      'section',
      { class: 'card', 'data-testid': 'webhook-endpoint', 'data-id': endpoint.id },
      h('div', { class: 'page-head' }, h('h2', { class: 'mono' }, endpoint.url), h('button', { type: 'button', class: 'secondary', onclick: () => void remove(endpoint) }, 'Remove')),
      endpoint.description ? h('p', {}, endpoint.description) : null,
      h(
        'p',
        { class: 'muted' },
        `Events: ${endpoint.events.length ? endpoint.events.join(', ') : 'all'} · Presets: ${endpoint.presets.length ? endpoint.presets.join(', ') : 'all'} · `,
        h('span', { 'data-testid': 'webhook-lag' }, lagText(endpoint.consumer)),
        endpoint.consumer ? ` · delivered by ${heldText[endpoint.consumer.held]}` : '',
      ),
      parked.length
        ? h(
            'div',
            { 'data-testid': 'webhook-parked' },
            h('h3', {}, `Parked (${parked.length}) — given up after their attempts`),
            h(
              'ul',
              {},
              parked.map((p) =>
                h(
                  'li',
                  {},
                  `#${p.seq} ${p.change ? `${p.change.event} of ${p.change.campaignId}` : p.campaignId} — ${p.attempts} attempts, ${p.error} `,
                  p.retry
                    ? h('span', { class: 'muted' }, 'redelivery pending…')
                    : h('button', { type: 'button', 'data-testid': 'webhook-redeliver', onclick: () => void redeliver(endpoint, p.seq) }, 'Redeliver'),
                ),
              ),
            ),
          )
        : null,
      h('h3', {}, 'Delivery log'),
      deliveries.length === 0
        ? h('p', { class: 'muted' }, 'Nothing delivered yet.')
        : h(
            'table',
            { 'data-testid': 'webhook-log', 'aria-label': `Deliveries to ${endpoint.url}` },
            h('thead', {}, h('tr', {}, ['Change', 'Attempt', 'When', 'Status', 'Result', 'Next attempt'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              deliveries.map((d) =>
                h(
                  'tr',
                  { class: d.ok ? 'ok' : 'failed' },
                  h('td', {}, `#${d.seq}`),
                  h('td', {}, String(d.attempt)),
                  h('td', { title: d.at }, formatDate(d.at)),
                  h('td', {}, d.status === null ? 'no answer' : String(d.status)),
                  h('td', {}, d.ok ? 'delivered' : d.error),
                  h('td', { title: d.nextAttemptAt ?? '' }, d.nextAttemptAt ? relative(d.nextAttemptAt) : '—'),
                ),
              ),
            ),
          ),
      h('a', { href: `/api/webhooks/${id}/deliveries`, class: 'muted' }, 'Full log (JSON)'),
    );
  }

  async function refresh() {
    try {
      const [endpoints, health] = await Promise.all([api('GET', '/api/webhooks'), api('GET', '/api/health').catch((e) => e.body)]);
      const details = await Promise.all(
        endpoints.map(async (endpoint) => {
          const id = encodeURIComponent(endpoint.id);
          const [deliveries, parked] = await Promise.all([api('GET', `/api/webhooks/${id}/deliveries?limit=20`), api('GET', `/api/webhooks/${id}/parked`)]);
          return endpointCard(endpoint, deliveries, parked);
        }),
      );
      fill(list, details.length ? details : h('p', { class: 'muted' }, 'No endpoint yet: register one below.'));
      fill(
        consumers,
        (health?.consumers ?? []).map((c) =>
          h('tr', {}, h('td', { class: 'mono' }, c.name), h('td', {}, String(c.cursor)), h('td', {}, lagText(c)), h('td', {}, String(c.parked)), h('td', {}, heldText[c.held])),
        ),
      );
    } catch (error) {
      message.textContent = error instanceof ApiError ? describe(error) : String(error.message ?? error);
    }
  }

  // attempts and retries are not changes of the feed: the log is read again every few seconds too
  const refreshSoon = debounce(() => void refresh(), 500);
  const every = setInterval(() => void refresh(), 5_000);
  return {
    refresh,
    onChange: refreshSoon,
    unmount() {
      refreshSoon.cancel();
      clearInterval(every);
    },
  };
}
