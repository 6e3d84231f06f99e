// Executions, failures, error rate and durations per tool over a window, drawn as inline SVG bar charts.
import { api } from '../api.js';
import { h, svg, message } from '../dom.js';
import { duration, when, EMPTY_HELP } from '../words.js';

const WINDOWS = ['15m', '1h', '24h', '7d'];
const REFRESH_MS = 30000;

export async function metricsPage({ main }) {
  document.title = 'Metrics · Opsplane console';
  let window = sessionStorage.getItem('opsplane.metricsWindow') || '1h';
  const picker = h('div', { class: 'buttons', role: 'group', 'aria-label': 'Window' });
  const body = h('div', { id: 'metrics-body' });
  let loads = 0;
  // Only the answer to the latest request is drawn, so a quick change of window never shows an older one.
  const load = async () => {
    const asked = window;
    const current = ++loads;
    const metrics = await api('GET', '/v1/metrics?window=' + asked);
    if (current !== loads) return;
    body.replaceChildren(...render(metrics));
    body.dataset.window = asked;
  };
  for (const w of WINDOWS) {
    picker.append(h('button', { type: 'button', 'aria-pressed': String(w === window), 'data-window': w, onclick: (event) => {
      window = w;
      sessionStorage.setItem('opsplane.metricsWindow', w);
      for (const b of picker.children) b.setAttribute('aria-pressed', String(b === event.currentTarget));
      load().catch((e) => body.replaceChildren(message('error', e.message)));
    } }, w));
  }
  main.append(h('h1', {}, 'Metrics'), picker, body);
  await load();
  const timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}

function render(m) {
  const t = m.totals;
  const tiles = h('ul', { class: 'tiles', 'aria-label': 'Totals' },
    [['Executions', t.executions], ['Succeeded', t.succeeded], ['Failed', t.failed], ['Plans', t.plans],
      ['Pending approvals', t.pendingApprovals], ['Rate-limited requests', t.rateLimited]]
      .map(([label, value]) => h('li', { class: 'tile' }, h('span', { class: 'tile-value' }, String(value ?? 0)), h('span', {}, label))));
  const parts = [h('p', { class: 'note' }, 'From ' + when(m.from) + ' to ' + when(m.to) + '.'), tiles];
  const tools = (m.tools || []).slice().sort((a, b) => b.executions - a.executions || a.tool.localeCompare(b.tool));
  if (!tools.length) {
    parts.push(h('p', { class: 'empty' }, 'Nothing ran in this window. ' + EMPTY_HELP + ' Or choose a longer window.'));
  } else {
    parts.push(
      chart('Executions and failures per tool', tools, [['executions', 'Executions', 'series-a'], ['failed', 'Failed', 'series-bad']], String),
      chart('Error rate per tool', tools, [['errorRate', 'Error rate', 'series-bad']], (v) => (v * 100).toFixed(1) + ' %', 1),
      chart('Duration per tool (p50 and p95)', tools, [['p50Ms', 'p50', 'series-a'], ['p95Ms', 'p95', 'series-b']], duration));
  }
  const a = m.approvals || {};
  parts.push(h('h2', {}, 'Approvals in this window'), h('ul', { class: 'tiles' },
    [['Requested', a.requested], ['Approved', a.approved], ['Rejected', a.rejected], ['Expired', a.expired],
      ['Median time to decide', a.medianDecisionMs == null ? '–' : duration(a.medianDecisionMs)]]
      .map(([label, value]) => h('li', { class: 'tile' }, h('span', { class: 'tile-value' }, String(value ?? 0)), h('span', {}, label)))));
  return parts;
}

/** A horizontal grouped bar chart: one row per tool, one bar per series, with values written beside the bars. */
function chart(title, rows, series, format, fixedMax) {
  const rowHeight = 14 * series.length + 10;
  const labelWidth = 170;
  const width = 640;
  const barSpace = width - labelWidth - 90;
  const height = rows.length * rowHeight + 10;
  const max = fixedMax ?? Math.max(1, ...rows.flatMap((r) => series.map(([field]) => Number(r[field]) || 0)));
  const id = 'chart-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const description = rows.map((r) => r.tool + ': ' + series.map(([field, label]) => label + ' ' + format(Number(r[field]) || 0)).join(', ')).join('; ');
  const drawing = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-labelledby': id + '-title', class: 'chart', 'data-chart': id },
    svg('title', { id: id + '-title' }, title + '. ' + description));
  rows.forEach((row, i) => {
    const top = i * rowHeight + 5;
    drawing.append(svg('text', { x: labelWidth - 8, y: top + rowHeight / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle', class: 'chart-label' }, row.tool));
    series.forEach(([field, label, kind], j) => {
      const value = Number(row[field]) || 0;
      const y = top + j * 14;
      const w = Math.max(value > 0 ? 2 : 0, (value / max) * barSpace);
      drawing.append(svg('rect', { x: labelWidth, y, width: w.toFixed(1), height: 11, rx: 2, class: 'bar ' + kind, 'data-tool': row.tool, 'data-series': field, 'data-value': value },
        svg('title', {}, row.tool + ' ' + label + ': ' + format(value))));
      drawing.append(svg('text', { x: labelWidth + w + 6, y: y + 6, 'dominant-baseline': 'middle', class: 'chart-value' }, format(value)));
    });
  });
  const legend = h('p', { class: 'legend' }, series.map(([, label, kind]) => h('span', {}, h('span', { class: 'swatch ' + kind, 'aria-hidden': 'true' }), label)));
  return h('figure', { class: 'chart-figure' }, h('figcaption', {}, h('h2', {}, title)), legend, drawing);
}
