import { h } from './dom.js';
import { splitList } from './format.js';
import { browserZone, fromZoneInput, toZoneInput, zoneOf } from './zone.js';

/**
 * The definition fields a preset understands, as labelled inputs. `read()` returns the values the
 * form holds (dates as ISO instants, lists split on commas); `showIssues(issues)` puts zod issues
 * next to their fields and returns the ones that fit none.
 */
export function definitionFields(preset, initial = {}) {
  const inputs = {};
  const errors = {};
  const field = (name, label, input, hint) => {
    inputs[name] = input;
    errors[name] = h('span', { class: 'field-error', id: `${name}-error`, 'aria-live': 'polite' });
    input.setAttribute('aria-describedby', `${name}-error`);
    input.name = name;
    return h('label', { class: 'field' }, h('span', { class: 'label' }, label), input, hint ? h('span', { class: 'hint' }, hint) : null, errors[name]);
  };
  // dates are typed as wall time in the campaign's zone (the Time zone field, else the browser's)
  const initialZone = zoneOf(initial);
  const zoneNotes = [];
  const zoneNote = () => {
    const note = h('span', { class: 'zone-note', 'data-testid': 'zone-note' }, `in ${initialZone}`);
    zoneNotes.push(note);
    return note;
  };
  const date = (name) => h('input', { type: 'datetime-local', value: toZoneInput(initial[name], initialZone) });
  const dateField = (name, label, hint) => field(name, h('span', {}, `${label} `, zoneNote()), date(name), hint);
  const nodes = [
    field('name', 'Name', h('input', { type: 'text', required: true, maxlength: 200, value: initial.name ?? '' })),
    preset.fields.visibleAt ? dateField('visibleAt', 'Visible from', 'shown to franchisees before the start') : null,
    preset.fields.startAt
      ? dateField('startAt', 'Starts', preset.requires.includes('dates') ? 'needed to publish' : `empty: starts on ${preset.activation.toLowerCase()}`)
      : null,
    dateField('endAt', preset.name === 'gifting' ? 'Expires' : 'Ends', preset.requires.includes('dates') ? 'needed to publish' : null),
    field(
      'timezone',
      'Time zone',
      h('input', {
        type: 'text',
        placeholder: browserZone(),
        value: initial.timezone ?? '',
        oninput: (e) => {
          for (const note of zoneNotes) note.textContent = `in ${e.target.value.trim() || browserZone()}`;
        },
      }),
      'e.g. Europe/Berlin; the dates above are typed in it',
    ),
    preset.name === 'journey'
      ? field(
          'audience',
          'Audience',
          h(
            'select',
            {},
            h('option', { value: '' }, 'not set'),
            ['trigger', 'list'].map((mode) => h('option', { value: mode, selected: initial.audience?.mode === mode }, mode)),
          ),
          'a journey activates with a trigger or a list audience',
        )
      : null,
    field(
      'products',
      'Products',
      h('input', { type: 'text', placeholder: 'mug, notebook', value: (initial.products ?? []).map((p) => (typeof p === 'string' ? p : p.id)).join(', ') }),
      preset.requires.includes('products') ? 'comma-separated product ids; at least one to activate' : 'comma-separated product ids',
    ),
    field('labels', 'Labels', h('input', { type: 'text', placeholder: 'spring, storewide', value: (initial.labels ?? []).join(', ') })),
    preset.fields.recurrence
      ? field('recurrence', 'Repeats (RRULE)', h('input', { type: 'text', placeholder: 'FREQ=WEEKLY;BYDAY=SA', value: initial.recurrence?.rule ?? '' }))
      : null,
    preset.fields.recurrence
      ? field('duration', 'Each occurrence lasts', h('input', { type: 'text', placeholder: 'PT48H', value: initial.recurrence?.duration ?? '' }))
      : null,
    preset.fields.onResume
      ? field(
          'onResume',
          'After a pause',
          h(
            'select',
            {},
            h('option', { value: 'keep', selected: initial.onResume !== 'extend' }, 'keep the dates'),
            h('option', { value: 'extend', selected: initial.onResume === 'extend' }, 'extend the end date by the time paused'),
          ),
          'keep: a campaign resumed after its end date needs new dates',
        )
      : null,
  ];

  const initialValues = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value]));

  return {
    nodes,
    /** Names of the fields the user changed (`duration` counts as `recurrence`). */
    changed() {
      const names = Object.keys(inputs).filter((name) => inputs[name].value !== initialValues[name]);
      return new Set(names.map((name) => (name === 'duration' ? 'recurrence' : name)));
    },
    read() {
      const values = { name: inputs.name.value.trim() };
      values.timezone = inputs.timezone.value.trim() || null;
      const zone = values.timezone ?? browserZone();
      for (const name of ['startAt', 'endAt', 'visibleAt']) {
        if (!inputs[name]) continue;
        try {
          values[name] = fromZoneInput(inputs[name].value, zone);
        } catch {
          values[name] = inputs[name].value; // an unknown zone: the API says what is wrong
        }
      }
      if (inputs.audience) values.audience = inputs.audience.value ? { ...(initial.audience ?? {}), mode: inputs.audience.value } : null;
      values.products = splitList(inputs.products.value);
      values.labels = splitList(inputs.labels.value);
      if (inputs.onResume) values.onResume = inputs.onResume.value;
      if (inputs.recurrence) {
        const rule = inputs.recurrence.value.trim();
        values.recurrence = rule ? { rule, duration: inputs.duration.value.trim() } : null;
      }
      return values;
    },
    showIssues(issues = []) {
      for (const el of Object.values(errors)) el.textContent = '';
      const other = [];
      for (const issue of issues) {
        const key = issue.path?.[0] === 'recurrence' && issue.path?.[1] === 'duration' ? 'duration' : issue.path?.[0];
        if (errors[key]) errors[key].textContent = issue.message;
        else other.push(issue);
      }
      return other;
    },
  };
}
