// The execution log with filters and cursor paging, and one execution with its timeline.
import { api, query, ApiError } from '../api.js';
import { h, message, facts, json } from '../dom.js';
import { actor, duration, when, EMPTY_HELP } from '../words.js';

const STATUSES = ['planned', 'pending_approval', 'running', 'succeeded', 'failed', 'unknown'];
const PAGE_SIZE = 25;

export async function executionsPage({ main }) {
  document.title = 'Executions · Opsplane console';
  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const tool = h('input', { id: 'filter-tool', name: 'tool', placeholder: 'e.g. billing.refund' });
  const status = h('select', { id: 'filter-status', name: 'status' }, h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)));
  const who = h('input', { id: 'filter-actor', name: 'actor', placeholder: 'e.g. alice@example.com' });
  const results = h('div', { id: 'executions-results' });
  const cursors = [];
  // The filters as last applied: paging keeps them even while the fields are being edited.
  let applied = {};

  const load = async (cursor) => {
    const page = await api('GET', '/v1/executions' + query({ ...applied, limit: PAGE_SIZE, cursor }));
    render(page);
  };
  const apply = () => {
    applied = { tool: tool.value.trim(), status: status.value, actor: who.value.trim() };
    cursors.length = 0;
    return load();
  };
  const render = (page) => {
    const filtered = applied.tool || applied.status || applied.actor;
    if (!page.items.length) {
      results.replaceChildren(h('p', { class: 'empty' }, filtered ? 'No execution matches these filters.' : 'There are no executions yet. ' + EMPTY_HELP));
    } else {
      results.replaceChildren(executionTable(page.items));
    }
    const nav = h('div', { class: 'buttons paging' });
    if (cursors.length) nav.append(h('button', { type: 'button', onclick: () => { cursors.pop(); load(cursors[cursors.length - 1]).catch(show); } }, 'Previous page'));
    if (page.nextCursor) nav.append(h('button', { type: 'button', onclick: () => { cursors.push(page.nextCursor); load(page.nextCursor).catch(show); } }, 'Next page'));
    results.append(nav);
    results.dataset.status = applied.status;
  };
  const show = (e) => { if (!(e instanceof ApiError && e.status === 401)) results.replaceChildren(message('error', e.message)); };
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter executions', onsubmit: (event) => { event.preventDefault(); apply().catch(show); } },
    field('filter-tool', 'Tool', tool), field('filter-status', 'Status', status), field('filter-actor', 'Actor', who),
    h('button', { type: 'submit' }, 'Filter'));
  main.append(h('h1', {}, 'Executions'), form, results);
  await apply().catch(show);
}

function executionTable(items) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'executions' },
    h('thead', {}, h('tr', {}, ['Started', 'Tool', 'Mode', 'Status', 'Actor', 'Duration'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((e) => h('tr', {},
      h('td', {}, h('a', { href: '#/executions/' + encodeURIComponent(e.executionId) }, when(e.createdAt))),
      h('td', {}, e.tool),
      h('td', {}, e.mode),
      h('td', {}, h('span', { class: 'badge ' + e.status }, e.status)),
      h('td', {}, actor(e.actor)),
      h('td', {}, duration(e.durationMs)))))));
}

export async function executionPage({ main, params: [id] }) {
  document.title = 'Execution · Opsplane console';
  const body = h('div', {});
  main.append(h('p', {}, h('a', { href: '#/executions' }, '← All executions')), h('h1', {}, 'Execution'), body);
  const load = async (minPosition) => {
    const e = await api('GET', '/v1/executions/' + encodeURIComponent(id) + query({ minPosition }));
    body.replaceChildren(...renderExecution(e, retry));
  };
  const retry = async (status) => {
    try {
      const result = await api('POST', '/v1/executions/' + encodeURIComponent(id) + '/retry?wait=10', {});
      await load(result.position);
      body.prepend(message('ok', 'Retried: the execution is now ' + result.status + '.'));
    } catch (e) {
      if (e instanceof ApiError) status.replaceChildren(message('error', e.message)); else throw e;
    }
  };
  await load();
}

function renderExecution(e, retry) {
  const retryStatus = h('div', {});
  const parts = [
    h('h2', {}, e.tool, ' ', h('span', { class: 'badge ' + e.status }, e.status)),
    facts([
      ['Execution id', h('code', {}, e.executionId)], ['Tool version', e.toolVersion], ['Mode', e.mode],
      ['Actor', actor(e.actor)], ['Reason', e.reason], ['Created', when(e.createdAt)], ['Started', when(e.startedAt)],
      ['Finished', when(e.finishedAt)], ['Duration', duration(e.durationMs)],
      ['Approval request', e.approvalRequestId], ['Idempotency key', e.idempotencyKey],
    ]),
  ];
  if (e.status === 'failed' && e.mode === 'execute') {
    parts.push(h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'primary', onclick: () => retry(retryStatus) }, 'Retry')), retryStatus,
      h('p', { class: 'note' }, 'Retry resumes from the first step that did not succeed; completed steps are not repeated. Only the original actor or an admin may retry.'));
  }
  parts.push(h('h3', {}, 'Input'), h('p', { class: 'note' }, 'Secret fields are redacted by Opsplane; they are never stored in clear.'), json(e.input ?? {}));
  if (e.plan) parts.push(h('h3', {}, 'Plan'), json(e.plan));
  if (e.error) parts.push(h('h3', {}, 'Error'), message('error', (e.error.code ? e.error.code + ': ' : '') + (e.error.message || '')));
  if (e.output !== undefined && e.output !== null) parts.push(h('h3', {}, 'Output'), json(e.output));
  if (e.steps && e.steps.length) {
    parts.push(h('h3', {}, 'Steps'), h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Step', 'Status', 'Started', 'Finished', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, e.steps.map((s) => h('tr', {}, h('td', {}, s.name), h('td', {}, h('span', { class: 'badge ' + s.status }, s.status)),
        h('td', {}, when(s.startedAt)), h('td', {}, when(s.finishedAt)),
        h('td', {}, s.error ? (s.error.code || '') + ' ' + (s.error.message || '') : '')))))));
  }
  parts.push(h('h3', {}, 'Timeline'), h('ol', { class: 'timeline', 'aria-label': 'Timeline' }, (e.timeline || []).map((event) =>
    h('li', { 'data-type': event.type },
      h('time', { datetime: event.timestamp }, when(event.timestamp)), ' ',
      h('strong', {}, event.type),
      event.position !== undefined ? h('span', { class: 'note' }, ' at position ' + event.position) : null))));
  return parts;
}
