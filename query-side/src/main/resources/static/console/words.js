// Turning API values into words for people.

export function actor(a) {
  if (!a) return 'unknown';
  const name = a.name || a.keyId || 'unknown';
  return a.kind === 'agent' && a.owner ? name + ' (agent of ' + a.owner + ')' : name;
}

export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

/** "in 3 h 12 min", "in 40 s", "expired 2 min ago". */
export function timeLeft(iso, now = Date.now()) {
  if (!iso) return 'no expiry';
  const ms = new Date(iso).getTime() - now;
  const span = spell(Math.abs(ms));
  return ms >= 0 ? 'expires in ' + span : 'expired ' + span + ' ago';
}

function spell(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  const min = Math.floor(s / 60);
  if (min < 60) return min + ' min';
  const hours = Math.floor(min / 60);
  if (hours < 48) return hours + ' h ' + (min % 60) + ' min';
  return Math.floor(hours / 24) + ' days ' + (hours % 24) + ' h';
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return Math.round(ms) + ' ms';
  return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
}

/** ISO-8601 durations as tools declare them: PT24H, P7D, PT30M. */
export function isoDuration(text) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text || '');
  if (!m) return text;
  const parts = [[m[1], 'day'], [m[2], 'hour'], [m[3], 'minute'], [m[4], 'second']]
    .filter(([n]) => n && Number(n) > 0).map(([n, unit]) => n + ' ' + unit + (Number(n) === 1 ? '' : 's'));
  return parts.join(' ') || 'no time';
}

const OPS = { gt: 'is more than', gte: 'is at least', lt: 'is less than', lte: 'is at most', eq: 'is exactly' };

function approvals(n) {
  return n + (n === 1 ? ' approval' : ' approvals');
}

/** The approval policy of a tool as sentences. */
export function policy(approval) {
  if (!approval || (!approval.required && !(approval.rules || []).length)) return ['Runs without approval.'];
  const sentences = [];
  if (approval.required) sentences.push('Every run needs ' + approvals(approval.minApprovals || 1) + ' from people other than the requester.');
  for (const rule of approval.rules || []) {
    sentences.push('Needs ' + approvals(rule.minApprovals) + ' when ' + rule.field.replace(/^\//, '').replaceAll('/', '.')
      + ' ' + (OPS[rule.op] || rule.op) + ' ' + JSON.stringify(rule.value) + '.');
  }
  if (!approval.required) sentences.push('Otherwise runs without approval.');
  sentences.push('A request expires after ' + isoDuration(approval.expiresAfter || 'PT24H') + '.');
  return sentences;
}

/** One effect of a plan as a sentence. */
export function effect(e) {
  if (e.description) return e.description;
  return (e.action || 'acts') + (e.target ? ' on ' + e.target : '');
}

export const EMPTY_HELP = 'Run a tool through the API (POST /v1/executions, see the README) and it appears here.';
