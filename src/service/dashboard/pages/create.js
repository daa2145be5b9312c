import { api, ApiError, newKey } from '../api.js';
import { fill, h } from '../dom.js';
import { definitionFields } from '../fields.js';

/** The create form, one tab per preset. */
export function mountCreate(main, params, meta) {
  const preset = meta.presets.find((p) => p.name === params.preset) ?? meta.presets[0];
  const fields = definitionFields(preset);
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'form-error' });
  const idempotencyKey = newKey();

  async function submit(event) {
    event.preventDefault();
    const values = fields.read();
    const body = { preset: preset.name };
    for (const [key, value] of Object.entries(values)) {
      if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
      body[key] = value;
    }
    message.textContent = '';
    try {
      const view = await api('POST', '/api/campaigns', { body, headers: { 'Idempotency-Key': idempotencyKey } });
      location.assign(`#/campaigns/${encodeURIComponent(view.id)}`);
    } catch (error) {
      const other = fields.showIssues(error instanceof ApiError ? error.body.issues : []);
      message.textContent = other.length > 0 ? other.map((i) => i.message).join('; ') : error instanceof ApiError && error.body.issues ? 'Please check the fields above.' : error.message;
    }
  }

  fill(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'New campaign')),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Preset' },
      meta.presets.map((p) =>
        h('a', { class: 'tab', href: `#/new?preset=${p.name}`, 'aria-current': p.name === preset.name ? 'page' : null, 'data-preset': p.name }, p.title),
      ),
    ),
    h(
      'form',
      { class: 'definition', 'data-testid': 'create-form', onsubmit: (e) => void submit(e), novalidate: true },
      fields.nodes,
      message,
      h('div', { class: 'buttons' }, h('button', { type: 'submit' }, `Create ${preset.name} campaign`)),
    ),
  );
  return {};
}
