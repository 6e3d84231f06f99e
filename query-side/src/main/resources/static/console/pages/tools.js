// The registry: risk, scope, approval policy in words, input schema and availability of each tool.
import { api } from '../api.js';
import { h, json } from '../dom.js';
import { policy } from '../words.js';

export async function toolsPage({ main }) {
  document.title = 'Tools · Opsplane console';
  const { tools } = await api('GET', '/v1/tools');
  main.append(h('h1', {}, 'Tools'));
  if (!tools.length) {
    main.append(h('p', { class: 'empty' }, 'No tools are registered yet. Built-in tools appear once the command side has published its catalogue; declarative tools come from OPSPLANE_TOOLS_FILE.'));
    return;
  }
  main.append(h('p', { class: 'note' }, tools.length + ' tools. Run them through the API or an MCP client; the console shows how each is governed.'),
    h('ul', { class: 'cards' }, tools.map((tool) => h('li', {}, card(tool)))));
}

function card(tool) {
  const headingId = 'tool-' + tool.name.replace(/[^a-zA-Z0-9]+/g, '-');
  const flags = [tool.supportsPlan && 'can plan', tool.idempotent && 'idempotent',
    tool.annotations?.readOnly && 'read-only', tool.annotations?.destructive && 'destructive'].filter(Boolean);
  return h('article', { class: 'card', 'aria-labelledby': headingId, 'data-tool': tool.name },
    h('h2', { id: headingId }, tool.name, h('span', { class: 'version' }, ' v' + tool.version)),
    h('p', {}, tool.description),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Risk'), h('dd', {}, h('span', { class: 'badge risk-' + tool.riskLevel }, tool.riskLevel)),
      h('dt', {}, 'Scope'), h('dd', {}, h('code', {}, tool.requiredScope)),
      h('dt', {}, 'Approval'), h('dd', {}, policy(tool.approval).join(' ')),
      h('dt', {}, 'Availability'), h('dd', {}, tool.available ? 'Available' : 'Unavailable: ' + (tool.unavailableReason || 'no reason given')),
      flags.length ? [h('dt', {}, 'Traits'), h('dd', {}, flags.join(', '))] : null,
      (tool.secretFields || []).length ? [h('dt', {}, 'Secret inputs'), h('dd', {}, tool.secretFields.join(', ') + ' (never stored or shown in clear)')] : null),
    h('details', {}, h('summary', {}, 'Input schema'), json(tool.inputSchema)));
}
