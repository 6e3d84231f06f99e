// The approver's inbox (soonest expiry first) and the history of decided requests.
import { api, query, ApiError } from '../api.js';
import { h, message } from '../dom.js';
import { actor, effect, timeLeft, when } from '../words.js';

const REFRESH_MS = 15000;
const DECIDED_ELSEWHERE = new Set(['invalid_state', 'approval_expired', 'already_executed', 'approval_request_not_found']);

export async function approvalsPage({ main }) {
  document.title = 'Approvals · Opsplane console';
  const notice = h('div', { id: 'approvals-notice' });
  const inbox = h('section', { 'aria-labelledby': 'inbox-heading' });
  const history = h('section', { 'aria-labelledby': 'history-heading' });
  main.append(h('h1', {}, 'Approvals'), notice, inbox, history);

  const load = async () => {
    const [pending, recent] = await Promise.all([
      api('GET', '/v1/approval-requests' + query({ status: 'pending', limit: 100 })),
      api('GET', '/v1/approval-requests' + query({ limit: 50 })),
    ]);
    renderInbox(inbox, pending.items, decide);
    renderHistory(history, recent.items.filter((r) => r.status !== 'pending'));
  };

  /** Approves or rejects; a refusal is said as a sentence, a request decided meanwhile refreshes the list. */
  const decide = async (request, verb, comment, status) => {
    if (verb === 'reject' && !comment) {
      status.replaceChildren(message('error', 'Write in Comment why you reject it: a rejection needs a reason.'));
      return;
    }
    try {
      const body = verb === 'approve' ? (comment ? { comment } : {}) : { reason: comment };
      const updated = await api('POST', '/v1/approval-requests/' + encodeURIComponent(request.id) + '/' + verb, body);
      const done = verb === 'reject' ? 'You rejected the request for ' + request.tool + '.'
        : updated.status === 'approved' ? 'You approved the request for ' + request.tool + '; it has all the approvals it needs.'
          : 'You approved the request for ' + request.tool + '; it has ' + updated.approvals.length + ' of ' + updated.minApprovals + ' approvals.';
      notice.replaceChildren(message('ok', done));
      await reloadAt(updated.position);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (DECIDED_ELSEWHERE.has(e.code)) {
        notice.replaceChildren(message('error', await decidedMeanwhile(request, e)));
        await load();
      } else {
        status.replaceChildren(message('error', e.message));
      }
    }
  };

  const reloadAt = async (position) => {
    if (position !== undefined) {
      await api('GET', '/v1/approval-requests' + query({ status: 'pending', limit: 1, minPosition: position })).catch(() => {});
    }
    await load();
  };

  await load();
  const timer = setInterval(() => {
    if (!main.contains(document.activeElement) || document.activeElement === main || document.activeElement === document.body) {
      load().catch(() => {});
    } else {
      for (const left of main.querySelectorAll('[data-expires-at]')) left.textContent = timeLeft(left.dataset.expiresAt);
    }
  }, REFRESH_MS);
  return () => clearInterval(timer);
}

async function decidedMeanwhile(request, error) {
  try {
    const now = await api('GET', '/v1/approval-requests/' + encodeURIComponent(request.id), undefined, { quiet: true });
    const by = now.rejection ? ' by ' + actor(now.rejection.by) : '';
    return 'The request for ' + request.tool + ' was decided meanwhile: it is now ' + now.status + by + '. The list has been refreshed.';
  } catch {
    return error.message + ' The list has been refreshed.';
  }
}

function renderInbox(section, items, decide) {
  section.replaceChildren(h('h2', { id: 'inbox-heading' }, 'Waiting for a decision (' + items.length + ')'));
  if (!items.length) {
    section.append(h('p', { class: 'empty' }, 'Nothing is waiting for approval. When a tool needs approval, '
      + 'its request appears here, soonest expiry first.'));
    return;
  }
  const list = h('ol', { class: 'cards' });
  items.forEach((request) => list.append(h('li', {}, requestCard(request, decide))));
  section.append(list);
}

function requestCard(request, decide) {
  const headingId = 'request-' + request.id;
  const commentId = 'comment-' + request.id;
  const comment = h('textarea', { id: commentId, name: 'comment', rows: 2, maxlength: 2000 });
  const status = h('div', { class: 'card-status' });
  const button = (label, verb, kind) => h('button', {
    type: 'button', class: kind, 'data-verb': verb,
    onclick: () => decide(request, verb, comment.value.trim(), status),
  }, label);
  const plan = request.plan || {};
  return h('article', { class: 'card', 'aria-labelledby': headingId, 'data-request-id': request.id },
    h('h3', { id: headingId }, request.tool, h('span', { class: 'version' }, ' v' + request.toolVersion)),
    h('p', { class: 'expiry' }, h('time', { datetime: request.expiresAt, 'data-expires-at': request.expiresAt }, timeLeft(request.expiresAt))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Requested by'), h('dd', {}, actor(request.requestedBy)),
      h('dt', {}, 'Reason'), h('dd', {}, request.reason || '(none given)'),
      h('dt', {}, 'Approvals'), h('dd', { class: 'quorum' }, (request.approvals || []).length + ' of ' + request.minApprovals
        + ((request.approvals || []).length ? ' (' + request.approvals.map((a) => actor(a.by)).join(', ') + ')' : '')),
      h('dt', {}, 'Requested'), h('dd', {}, when(request.createdAt)),
      h('dt', {}, 'Plan digest'), h('dd', {}, h('code', { class: 'digest' }, plan.digest || request.payloadHash))),
    h('h4', {}, 'What it will do'),
    h('ul', { class: 'effects' }, (plan.effects || []).map((e) => h('li', {}, effect(e)))),
    h('details', {}, h('summary', {}, 'Input'), h('pre', { class: 'json' }, JSON.stringify(request.input, null, 2))),
    h('div', { class: 'decision' },
      h('label', { for: commentId }, 'Comment'),
      comment,
      h('div', { class: 'buttons' }, button('Approve', 'approve', 'primary'), button('Reject', 'reject', 'danger'))),
    status);
}

function renderHistory(section, items) {
  section.replaceChildren(h('h2', { id: 'history-heading' }, 'Decided recently'));
  if (!items.length) {
    section.append(h('p', { class: 'empty' }, 'No request has been decided yet.'));
    return;
  }
  section.append(h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Tool', 'Status', 'Requested by', 'Decided by', 'Reason', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((r) => h('tr', {},
      h('td', {}, r.tool),
      h('td', {}, h('span', { class: 'badge ' + r.status }, r.status)),
      h('td', {}, actor(r.requestedBy)),
      h('td', {}, r.rejection ? actor(r.rejection.by) + ': ' + r.rejection.reason
        : (r.approvals || []).map((a) => actor(a.by) + (a.comment ? ' ("' + a.comment + '")' : '')).join(', ')),
      h('td', {}, r.reason || ''),
      h('td', {}, when(r.updatedAt || r.createdAt))))))));
}
