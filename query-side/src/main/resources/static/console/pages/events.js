// The live feed: /v1/events/stream read with fetch(), so that the key travels in a header and never in a URL.
import { session, sentenceFor, REVOKED } from '../api.js';
import { h } from '../dom.js';
import { actor, when } from '../words.js';

const KEEP = 200;
const RETRY_MS = [500, 1000, 2000, 5000, 10000];

export async function eventsPage({ main }) {
  document.title = 'Events · Opsplane console';
  const state = h('p', { id: 'feed-state', role: 'status', class: 'note' }, 'Connecting…');
  const types = h('input', { id: 'event-types', name: 'type', placeholder: 'e.g. execution.failed,approval.requested' });
  const pause = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause');
  const list = h('ol', { id: 'feed', class: 'feed', 'aria-label': 'Live events', 'aria-live': 'off' });
  const empty = h('p', { class: 'empty' }, 'No new events yet. Events appear here as they happen: run or plan a tool, or request an approval.');
  let lastEventId = null;
  let paused = false;
  let controller = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer = null;

  const connect = async () => {
    if (stopped || paused) return;
    controller = new AbortController();
    const headers = { Accept: 'text/event-stream', Authorization: 'Bearer ' + session.key() };
    if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
    const filter = types.value.split(',').map((t) => t.trim()).filter(Boolean).join(',');
    try {
      const response = await fetch('/v1/events/stream' + (filter ? '?type=' + encodeURIComponent(filter) : ''), { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        session.signOut();
        session.whenSignedOutNow(REVOKED);
        return;
      }
      if (!response.ok) {
        let problem = {};
        try { problem = await response.json(); } catch { /* not JSON */ }
        problem.retryAfter = response.headers.get('Retry-After');
        if (response.status === 403) {
          state.textContent = sentenceFor(response.status, problem) + ' The live feed needs the scope logs:read.';
          state.dataset.state = 'refused';
          return;
        }
        throw new Error(sentenceFor(response.status, problem));
      }
      attempt = 0;
      state.textContent = 'Live' + (lastEventId !== null ? ' (resumed after event ' + lastEventId + ')' : '') + '.';
      state.dataset.state = 'live';
      await readEvents(response.body, (event) => {
        lastEventId = event.id;
        show(event);
      });
      throw new Error('The stream ended.');
    } catch (e) {
      if (stopped || paused || e.name === 'AbortError') return;
      const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
      state.textContent = (e.message && e.message !== 'Failed to fetch' && !e.message.includes('network') ? e.message + ' ' : 'The connection dropped. ')
        + 'Reconnecting in ' + (wait / 1000) + ' s' + (lastEventId !== null ? ', resuming after event ' + lastEventId : '') + '…';
      state.dataset.state = 'reconnecting';
      retryTimer = setTimeout(connect, wait);
    }
  };

  const show = (event) => {
    empty.remove();
    let item = {};
    try { item = JSON.parse(event.data); } catch { item = { type: event.event }; }
    list.prepend(h('li', { 'data-type': event.event || item.type, 'data-position': event.id },
      h('time', { datetime: item.timestamp }, when(item.timestamp)), ' ',
      h('strong', {}, event.event || item.type), ' ',
      h('span', {}, item.aggregateId ? linkFor(item) : ''),
      item.actor ? h('span', { class: 'note' }, ' by ' + actor(item.actor)) : null,
      h('span', { class: 'note' }, ' #' + event.id)));
    while (list.children.length > KEEP) list.lastElementChild.remove();
  };

  const disconnect = () => {
    clearTimeout(retryTimer);
    if (controller) controller.abort();
  };

  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    if (paused) {
      disconnect();
      state.textContent = 'Paused' + (lastEventId !== null ? ' after event ' + lastEventId : '') + '. Resume to catch up from there.';
      state.dataset.state = 'paused';
    } else {
      connect();
    }
  });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter events', onsubmit: (event) => {
    event.preventDefault();
    disconnect();
    list.replaceChildren();
    connect();
  } }, h('div', { class: 'field' }, h('label', { for: 'event-types' }, 'Event types'), types), h('button', { type: 'submit' }, 'Apply filter'), pause);

  main.append(h('h1', {}, 'Events'), form, state, empty, list);
  connect();
  return () => { stopped = true; disconnect(); };
}

function linkFor(item) {
  if (item.type && item.type.startsWith('execution.')) return h('a', { href: '#/executions/' + encodeURIComponent(item.aggregateId) }, item.aggregateId);
  return item.aggregateId;
}

/** Parses text/event-stream (id, event, data lines; a blank line ends an event). */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (event.data.length) onEvent({ id: event.id, event: event.event, data: event.data.join('\n') });
        event = { data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') event.data.push(value);
        else if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
      }
    }
  }
}
