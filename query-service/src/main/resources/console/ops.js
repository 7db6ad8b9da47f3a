// The operations page. The admin token lives in this closure only (never in storage, the URL or a cookie), so a
// reload forgets it. Everything shown comes from the admin JSON endpoints, polled.
'use strict';

const POLL_MS = 2000;
const HISTORY = 150; // samples kept per sparkline: 5 minutes at one poll every 2 s
const $ = (id) => document.getElementById(id);

let token = null;
let timer = null;
const history = new Map(); // stream name -> [{t, applied, lag}]

// ---------------------------------------------------------------- login

async function login(e) {
  e.preventDefault();
  const given = $('token').value;
  $('token').value = '';
  const res = await api('/admin/overview', {token: given});
  if (res.status !== 200) {
    token = null;
    $('dashboard').hidden = true;
    $('login-status').textContent = 'Refused: ' + errorText(res);
    return;
  }
  token = given;
  $('login-status').textContent = '';
  $('login').hidden = true;
  buildDashboard();
  $('dashboard').hidden = false;
  showOverview(res.json);
  poll();
}

function logout() {
  token = null;
  clearTimeout(timer);
  history.clear();
  $('dashboard').hidden = true;
  $('dashboard').replaceChildren();
  $('login').hidden = false;
  $('token').focus();
}

/** A call with the token; a 401/403 (token rotated meanwhile) returns to the login form. */
async function call(path, options) {
  const res = await api(path, Object.assign({token}, options || {}));
  if (res.status === 401 || res.status === 403) {
    logout();
    $('login-status').textContent = 'Refused: ' + errorText(res);
  }
  return res;
}

// ---------------------------------------------------------------- layout

function panel(id, title, ...body) {
  return el('section', {class: 'panel', id, 'aria-labelledby': id + '-title'}, el('h2', {id: id + '-title'}, title), ...body);
}

function table(id, headers) {
  return el('div', {class: 'table-wrap'}, el('table', {id},
    el('thead', {}, el('tr', {}, headers.map(([h, cls]) => el('th', {scope: 'col', class: cls || null}, h)))), el('tbody')));
}

function buildDashboard() {
  $('dashboard').replaceChildren(
    el('p', {}, el('button', {type: 'button', id: 'logout', onclick: logout}, 'Forget the token'), ' ',
      el('span', {id: 'updated', class: 'status', role: 'status'})),
    panel('streams', 'Change streams',
      table('streams-table', [['source'], ['events/s', 'num'], ['events/s, last minutes'], ['lag s', 'num'], ['lag, last minutes'], ['checkpoints'], ['state']]),
      el('p', {id: 'streams-empty', class: 'status'})),
    panel('reindex', 'Reindex jobs',
      el('form', {id: 'reindex-form', class: 'row', onsubmit: startReindex},
        el('div', {}, el('label', {for: 'reindex-groups'}, 'Language groups (comma-separated)'),
          el('input', {id: 'reindex-groups', required: true, placeholder: 'ja,ko', autocomplete: 'off'})),
        el('div', {}, el('label', {for: 'reindex-from'}, 'Copy from'),
          el('select', {id: 'reindex-from'}, el('option', {value: 'index'}, 'index'), el('option', {value: 'source'}, 'source'))),
        el('div', {}, el('label', {for: 'reindex-throttle'}, 'Throttle (posts/s, 0: none)'),
          el('input', {id: 'reindex-throttle', type: 'number', min: '0', value: '0', size: '6'})),
        el('div', {}, el('label', {for: 'reindex-batch'}, 'Batch'),
          el('input', {id: 'reindex-batch', type: 'number', min: '1', value: '500', size: '6'})),
        el('button', {type: 'submit', id: 'reindex-start'}, 'Start reindex')),
      el('p', {id: 'reindex-status', class: 'status', role: 'status'}),
      table('jobs-table', [['job'], ['groups'], ['state'], ['progress'], ['copied', 'num'], ['posts/s', 'num'], ['ETA', 'num'], ['actions']])),
    panel('dead-letters', 'Dead letters',
      el('p', {}, 'Records refused: ', el('strong', {id: 'dlq-count'}, '…'), ' ',
        el('button', {type: 'button', id: 'dlq-replay', onclick: replay}, 'Replay all')),
      el('p', {id: 'dlq-status', class: 'status', role: 'status'}),
      table('dlq-table', [['line', 'num'], ['when'], ['source'], ['position'], ['field'], ['reason'], ['record']])),
    panel('caches', 'Caches', table('caches-table', [['cache'], ['hit rate', 'num'], ['hits', 'num'], ['misses', 'num'], ['entries', 'num'], ['evictions', 'num']])),
    panel('index', 'Index', el('p', {id: 'index-totals'}),
      table('groups-table', [['language group'], ['version', 'num'], ['posts', 'num']])));
}

function rows(id, items, row) {
  $(id).querySelector('tbody').replaceChildren(...items.map(row));
}

// ---------------------------------------------------------------- polling

async function poll() {
  clearTimeout(timer);
  if (!token) return;
  const [overview, jobs, dlq] = await Promise.all([call('/admin/overview'), call('/admin/reindex'), call('/admin/dead-letters?limit=50')]);
  if (!token) return;
  if (overview.status === 200) showOverview(overview.json);
  if (jobs.status === 200) showJobs(jobs.json.jobs);
  if (dlq.status === 200) showDeadLetters(dlq.json);
  $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  timer = setTimeout(poll, POLL_MS);
}

function showOverview(o) {
  if (!$('streams-table')) return;
  const now = Date.now();
  rows('streams-table', o.streams, (s) => {
    const h = history.get(s.name) || [];
    h.push({t: now, applied: s.applied, lag: s.lag_seconds});
    while (h.length > HISTORY) h.shift();
    history.set(s.name, h);
    const rates = h.slice(1).map((p, i) => Math.max(0, (p.applied - h[i].applied) / Math.max(0.001, (p.t - h[i].t) / 1000)));
    const lags = h.map((p) => p.lag || 0);
    return el('tr', {'data-source': s.name},
      el('th', {scope: 'row'}, s.name),
      el('td', {class: 'num'}, rates.length ? rates[rates.length - 1].toFixed(1) : '…'),
      el('td', {}, sparkline(rates, 'events per second of ' + s.name)),
      el('td', {class: 'num'}, s.lag_seconds === null ? '–' : s.lag_seconds.toFixed(1)),
      el('td', {}, sparkline(lags, 'lag in seconds of ' + s.name)),
      el('td', {}, checkpointList(s.checkpoints)),
      el('td', {class: s.problem ? 'alert' : 'ok'}, s.problem ? 'down: ' + s.problem : 'running' + (s.restarts ? ' (' + s.restarts + ' restarts)' : '')));
  });
  $('streams-empty').textContent = 'No change streams: this server was started without --source.';
  $('streams-empty').hidden = o.streams.length > 0;
  rows('caches-table', o.caches, (c) => el('tr', {'data-cache': c.name},
    el('th', {scope: 'row'}, c.name),
    el('td', {class: 'num'}, c.hit_rate === null ? '–' : (100 * c.hit_rate).toFixed(1) + ' %'),
    el('td', {class: 'num'}, String(c.hits)), el('td', {class: 'num'}, String(c.misses)),
    el('td', {class: 'num'}, String(c.entries)), el('td', {class: 'num'}, String(c.evictions))));
  const ix = o.index;
  $('index-totals').textContent = ix.posts + ' posts, ' + ix.follows + ' follow edges, ' + ix.tombstones + ' tombstones';
  const groups = Object.entries(ix.groups).sort((a, b) => b[1].posts - a[1].posts || a[0].localeCompare(b[0]));
  rows('groups-table', groups, ([name, g]) => el('tr', {'data-group': name},
    el('th', {scope: 'row'}, name), el('td', {class: 'num'}, 'v' + g.version), el('td', {class: 'num'}, String(g.posts))));
  $('dlq-count').textContent = String(o.dead_letters);
}

/** An SVG polyline of the values, scaled to their own maximum; its label names what it shows. */
function sparkline(values, label) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 100 20');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label + ': ' + (values.length ? values[values.length - 1].toFixed(1) + ' now' : 'no data yet'));
  const max = Math.max(1e-9, ...values);
  const line = document.createElementNS(ns, 'polyline');
  const n = Math.max(1, values.length - 1);
  line.setAttribute('points', values.map((v, i) => (100 * i / n).toFixed(1) + ',' + (19 - 18 * v / max).toFixed(1)).join(' '));
  svg.append(line);
  return svg;
}

function checkpointList(cp) {
  const entries = Object.entries(cp || {});
  if (!entries.length) return '–';
  return el('details', {}, el('summary', {}, entries.length + (entries.length === 1 ? ' position' : ' positions')),
    el('ul', {}, entries.map(([k, v]) => el('li', {}, el('code', {}, k + ' @ ' + v)))));
}

// ---------------------------------------------------------------- reindex

function showJobs(jobs) {
  const sorted = jobs.slice().sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
  rows('jobs-table', sorted, (j) => {
    const known = j.total >= 0;
    const bar = el('progress', {max: known ? String(Math.max(1, j.total)) : null, value: known ? String(Math.min(j.copied, Math.max(1, j.total))) : null,
      'aria-label': 'progress of ' + j.job});
    const pct = known ? Math.floor(100 * j.copied / Math.max(1, j.total)) + ' %' : 'counting…';
    return el('tr', {'data-job': j.job, 'data-state': j.state},
      el('th', {scope: 'row'}, el('code', {}, j.job)),
      el('td', {}, (j.request.groups || []).join(', ') + (j.request.from === 'source' ? ' (from source)' : '')),
      el('td', {class: j.state === 'FAILED' ? 'alert' : null, title: j.report || null}, j.state),
      el('td', {}, bar, ' ', pct),
      el('td', {class: 'num'}, j.copied + (known ? ' / ' + j.total : '')),
      el('td', {class: 'num'}, j.docs_per_second ? j.docs_per_second.toFixed(0) : '–'),
      el('td', {class: 'num'}, j.eta_seconds === null || j.eta_seconds === undefined ? '–' : formatSeconds(j.eta_seconds)),
      el('td', {}, actions(j)));
  });
}

function actions(j) {
  const wanted = {RUNNING: ['pause', 'cancel'], PAUSED: ['resume', 'cancel'], SWAPPED: ['rollback']}[j.state] || [];
  return wanted.map((a) => el('button', {type: 'button', class: a === 'cancel' || a === 'rollback' ? 'danger' : null,
    'data-action': a, 'aria-label': a + ' ' + j.job, onclick: () => jobAction(j.job, a)}, a));
}

async function jobAction(job, action) {
  if ((action === 'cancel' || action === 'rollback') && !confirm(action + ' reindex job ' + job + '?')) return;
  const res = await call('/admin/reindex/' + encodeURIComponent(job) + '/' + action, {method: 'POST'});
  $('reindex-status').textContent = res.status === 200 ? job + ': ' + res.json.state : 'Error: ' + errorText(res);
  poll();
}

async function startReindex(e) {
  e.preventDefault();
  const groups = $('reindex-groups').value.split(',').map((g) => g.trim()).filter((g) => g);
  const body = {groups, from: $('reindex-from').value, throttle: Number($('reindex-throttle').value || 0),
    batch: Number($('reindex-batch').value || 500)};
  const res = await call('/admin/reindex', {method: 'POST', body});
  $('reindex-status').textContent = res.status === 202 ? 'Started ' + res.json.job + '.' : 'Error: ' + errorText(res);
  poll();
}

function formatSeconds(s) {
  if (s < 90) return s + ' s';
  if (s < 5400) return Math.round(s / 60) + ' min';
  return (s / 3600).toFixed(1) + ' h';
}

// ---------------------------------------------------------------- dead letters

function showDeadLetters(d) {
  $('dlq-count').textContent = String(d.count);
  $('dlq-replay').disabled = d.count === 0;
  rows('dlq-table', d.entries, (x) => el('tr', {'data-line': String(x.line)},
    el('td', {class: 'num'}, String(x.line)),
    el('td', {}, x.at ? formatTime(x.at) : '–'),
    el('td', {}, x.source || '–'),
    el('td', {}, x.position ? el('code', {}, x.position) : '–'),
    el('td', {}, x.field || '–'),
    el('td', {class: 'reason'}, x.reason || ''),
    el('td', {}, x.raw ? el('details', {}, el('summary', {}, 'show'), el('pre', {class: 'reason'}, x.raw)) : '–')));
}

async function replay() {
  const res = await call('/admin/dead-letters/replay', {method: 'POST'});
  $('dlq-status').textContent = res.status === 200
    ? 'Replayed ' + res.json.replayed + '; ' + res.json.remaining + ' still refused.' : 'Error: ' + errorText(res);
  poll();
}

document.addEventListener('DOMContentLoaded', () => $('login').addEventListener('submit', login));
