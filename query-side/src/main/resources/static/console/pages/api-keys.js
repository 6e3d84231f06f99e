// API keys for admins: list, issue (the key is shown once, with a copy button), revoke.
import { api, query, ApiError } from '../api.js';
import { h, message } from '../dom.js';
import { when } from '../words.js';

const SCOPES = ['tools:read', 'tools:plan', 'tools:execute', 'approvals:request', 'approvals:approve', 'logs:read', 'metrics:read', 'admin'];

export async function apiKeysPage({ main }) {
  document.title = 'API keys · Opsplane console';
  const notice = h('div', { id: 'api-keys-notice' });
  const listing = h('section', { 'aria-labelledby': 'keys-heading' });
  // Reads are eventually consistent and these writes carry no position: read again until the change shows.
  const load = async (shows = () => true) => {
    let page;
    for (let attempt = 0; attempt < 20; attempt++) {
      page = await api('GET', '/v1/api-keys' + query({ limit: 200 }));
      if (shows(page.items)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    listing.replaceChildren(h('h2', { id: 'keys-heading' }, 'Keys'), table(page.items, revoke));
  };
  const revoke = async (key, button) => {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Confirm revoke';
      setTimeout(() => { if (button.isConnected) { button.dataset.confirm = ''; button.textContent = 'Revoke'; } }, 5000);
      return;
    }
    try {
      await api('DELETE', '/v1/api-keys/' + encodeURIComponent(key.id));
      notice.replaceChildren(message('ok', 'The key ' + key.name + ' (' + key.prefix + '…) is revoked; it stops working at once.'));
      await load((items) => items.some((k) => k.id === key.id && k.status !== 'active'));
    } catch (e) {
      if (e instanceof ApiError) notice.replaceChildren(message('error', e.message)); else throw e;
    }
  };
  main.append(h('h1', {}, 'API keys'), notice, issueForm(load), listing);
  await load();
}

function issueForm(reload) {
  const field = (id, label, control, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { id: id + '-hint' }, hint) : null);
  const name = h('input', { id: 'key-name', required: true, maxlength: 200 });
  const principal = h('input', { id: 'key-principal', required: true, placeholder: 'alice@example.com or agent:deploy-bot' });
  const kind = h('select', { id: 'key-kind' }, h('option', { value: 'human' }, 'human'), h('option', { value: 'agent' }, 'agent'));
  const owner = h('input', { id: 'key-owner', placeholder: 'required for an agent key', 'aria-describedby': 'key-owner-hint' });
  const tools = h('input', { id: 'key-tools', placeholder: 'billing.*, email.send', 'aria-describedby': 'key-tools-hint' });
  const expires = h('input', { id: 'key-expires', type: 'datetime-local' });
  const scopes = SCOPES.map((scope) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'scope', value: scope }), scope));
  const result = h('div', { id: 'issued' });
  const form = h('form', { class: 'issue', 'aria-labelledby': 'issue-heading', onsubmit: async (event) => {
    event.preventDefault();
    const body = {
      name: name.value.trim(), principal: principal.value.trim(), kind: kind.value,
      scopes: [...form.querySelectorAll('input[name=scope]:checked')].map((c) => c.value),
    };
    if (owner.value.trim()) body.owner = owner.value.trim();
    const patterns = tools.value.split(',').map((t) => t.trim()).filter(Boolean);
    if (patterns.length) body.tools = patterns;
    if (expires.value) body.expiresAt = new Date(expires.value).toISOString();
    try {
      const issued = await api('POST', '/v1/api-keys', body);
      result.replaceChildren(shownOnce(issued));
      form.reset();
      await reload((items) => items.some((k) => k.id === issued.id));
    } catch (e) {
      if (e instanceof ApiError) result.replaceChildren(message('error', e.message)); else throw e;
    }
  } },
  h('h2', { id: 'issue-heading' }, 'Issue a key'),
  h('div', { class: 'grid' }, field('key-name', 'Name', name), field('key-principal', 'Principal', principal), field('key-kind', 'Kind', kind),
    field('key-owner', 'Owner', owner, 'The person accountable for an agent key.'),
    field('key-tools', 'Tool patterns', tools, 'Optional; comma-separated. Empty means every tool.'), field('key-expires', 'Expires at', expires)),
  h('fieldset', {}, h('legend', {}, 'Scopes'), scopes),
  h('button', { type: 'submit', class: 'primary' }, 'Issue key'),
  result);
  return form;
}

function shownOnce(issued) {
  const value = h('input', { id: 'issued-key', readonly: true, value: issued.key, 'aria-describedby': 'issued-note', class: 'secret' });
  const copied = h('span', { role: 'status' });
  const copy = h('button', { type: 'button', onclick: async () => {
    try {
      await navigator.clipboard.writeText(issued.key);
    } catch {
      value.select();
      document.execCommand('copy');
    }
    copied.textContent = 'Copied.';
  } }, 'Copy');
  return h('div', { class: 'once' },
    h('label', { for: 'issued-key' }, 'New key for ' + issued.name),
    h('div', { class: 'buttons' }, value, copy, copied),
    h('p', { id: 'issued-note', class: 'message note' }, 'This is the only time the key is shown: copy it now and hand it over safely.'));
}

function table(items, revoke) {
  if (!items.length) return h('p', { class: 'empty' }, 'No keys yet. Issue one above.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Name', 'Principal', 'Kind', 'Key', 'Scopes', 'Tools', 'Status', 'Issued', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((k) => h('tr', { 'data-key-id': k.id },
      h('td', {}, k.name), h('td', {}, k.principal + (k.owner ? ' (owner ' + k.owner + ')' : '')), h('td', {}, k.kind),
      h('td', {}, h('code', {}, k.prefix + '…' + (k.lastFour || ''))), h('td', {}, (k.scopes || []).join(', ')),
      h('td', {}, (k.tools || []).join(', ') || 'all'), h('td', {}, h('span', { class: 'badge ' + k.status }, k.status)),
      h('td', {}, when(k.createdAt)),
      h('td', {}, k.status === 'active' ? h('button', { type: 'button', class: 'danger', 'aria-label': 'Revoke ' + k.name, onclick: (event) => revoke(k, event.currentTarget) }, 'Revoke') : ''))))));
}
