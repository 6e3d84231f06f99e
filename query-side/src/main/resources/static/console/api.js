// The one way the console talks to Opsplane: the public REST API with the key from sessionStorage.

const KEY = 'opsplane.apiKey';
const SLOW_AFTER_MS = 250;

let inFlight = 0;
let slowTimer = null;
let onSignedOut = () => {};

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
  /** Called with a sentence when the key stops being accepted mid-session. */
  whenSignedOut: (callback) => { onSignedOut = callback; },
  /** Reports that the key stopped being accepted, outside api() (the event stream). */
  whenSignedOutNow: (reason) => onSignedOut(reason),
};

/** A refusal from the API, carrying the problem and a sentence for people. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(sentenceFor(status, problem));
    this.status = status;
    this.code = problem.code || 'http_' + status;
    this.problem = problem;
  }
}

export const REVOKED = 'Your API key is no longer accepted: it was revoked, has expired or is unknown. Sign in with a valid key.';

function progress(delta) {
  inFlight += delta;
  const indicator = document.getElementById('progress');
  const main = document.getElementById('main');
  if (inFlight > 0 && !slowTimer) {
    slowTimer = setTimeout(() => { indicator.hidden = false; main.setAttribute('aria-busy', 'true'); }, SLOW_AFTER_MS);
  } else if (inFlight === 0) {
    clearTimeout(slowTimer);
    slowTimer = null;
    indicator.hidden = true;
    main.removeAttribute('aria-busy');
  }
}

/** Sends one request; answers the parsed body, throws ApiError for any refusal. */
export async function api(method, path, body, { key = session.key(), signal, quiet = false } = {}) {
  const headers = { Accept: 'application/json', Authorization: 'Bearer ' + key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!quiet) progress(1);
  try {
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, { code: 'unreachable' });
    }
    const text = await response.text();
    let parsed = {};
    try { parsed = text ? JSON.parse(text) : {}; } catch { parsed = { detail: text }; }
    if (response.ok) return parsed;
    if (response.status === 401 && key === session.key()) {
      session.signOut();
      onSignedOut(REVOKED);
    }
    if (response.status === 429 || response.status === 503) {
      parsed.retryAfter = response.headers.get('Retry-After');
    }
    throw new ApiError(response.status, parsed);
  } finally {
    if (!quiet) progress(-1);
  }
}

/** Builds a query string from the set values of an object. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

const SENTENCES = {
  unauthenticated: () => 'That API key was not accepted: it is unknown, revoked or expired.',
  forbidden: () => 'This API key may not do that: it lacks the scope, or the tool is outside its tool patterns.',
  self_approval_forbidden: () => 'You cannot approve your own request, nor one made by an agent you own: someone else must approve it.',
  agent_cannot_approve: () => 'Agent keys cannot approve requests: a person must.',
  already_approved_by_you: () => 'You have already approved this request; it is waiting for someone else.',
  invalid_state: () => 'This request has already been decided, so it cannot be decided again.',
  approval_expired: () => 'This request has expired; the requester must ask again.',
  already_executed: () => 'This request has already been executed.',
  not_approved: () => 'This request has not been approved yet.',
  approval_request_not_found: () => 'There is no such approval request.',
  execution_not_found: () => 'There is no such execution (it may not be projected yet).',
  tool_not_found: () => 'There is no such tool.',
  api_key_not_found: () => 'There is no such API key.',
  rate_limited: (p) => 'This key has sent too many requests; try again' + (p.retryAfter ? ' in ' + p.retryAfter + ' s.' : ' shortly.'),
  concurrency_limited: (p) => 'This key has too many requests or streams open at once; try again' + (p.retryAfter ? ' in ' + p.retryAfter + ' s.' : ' shortly.'),
  projection_behind: () => 'The read side is still catching up with recent changes; try again in a moment.',
  upstream_unavailable: () => 'Opsplane is not reachable right now (it may be restarting); try again in a moment.',
  unreachable: () => 'Opsplane could not be reached; check the connection or whether it is running.',
  invalid_input: (p) => 'The input is not valid' + (p.errors && p.errors.length ? ': ' + p.errors.map((e) => (e.path || '') + ' ' + e.message).join('; ') : '.'),
  invalid_parameter: (p) => 'A filter is not valid' + (p.detail ? ': ' + p.detail : '.'),
  connector_unavailable: () => 'The tool\'s connector is not configured, so it cannot run.',
  internal_error: (p) => 'Opsplane failed unexpectedly' + (p.correlationId ? ' (correlation id ' + p.correlationId + ')' : '') + '.',
};

export function sentenceFor(status, problem) {
  const sentence = SENTENCES[problem.code];
  if (sentence) return sentence(problem);
  return problem.detail ? problem.detail.charAt(0).toUpperCase() + problem.detail.slice(1) + '.' : 'The request failed (HTTP ' + status + ').';
}
