// The search and feed playground. Its state (query, filters, view, viewer) lives in the URL's fragment, so a view can
// be shared and never reaches server logs; a credential, if any, stays in this page's memory only.
'use strict';

const FILTERS = ['q', 'lang', 'author', 'tag', 'since', 'until', 'sort', 'limit'];
const LANGS = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'pl', 'ru', 'uk', 'tr', 'ar', 'he', 'fa', 'hi', 'bn',
  'th', 'vi', 'id', 'el', 'ja', 'zh', 'ko', 'und'];
// explain keys that are not feature contributions (total is their sum, shown as a fact)
const NOT_FEATURES = new Set(['engine_score', 'tier', 'order', 'total']);

const $ = (id) => document.getElementById(id);
const lists = {search: {cursor: null, seq: 0}, feed: {cursor: null, seq: 0}};

function viewerParams() {
  const p = new URLSearchParams();
  const viewer = $('viewer').value.trim();
  if (viewer) p.set('viewer', viewer);
  return p;
}

function token() {
  return $('credential').value.trim() || null;
}

// ---------------------------------------------------------------- URL state

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  for (const f of FILTERS) if (h.has(f)) $(f).value = h.get(f);
  if (h.has('viewer')) $('viewer').value = h.get('viewer');
  selectTab(h.get('view') === 'feed' ? 'feed' : 'search', false);
}

function writeHash() {
  const h = new URLSearchParams();
  if (!$('feed-panel').hidden) h.set('view', 'feed');
  for (const f of FILTERS) {
    const v = $(f).value.trim();
    if (v && !(f === 'sort' && v === 'relevance') && !(f === 'limit' && v === '20')) h.set(f, v);
  }
  const viewer = $('viewer').value.trim();
  if (viewer) h.set('viewer', viewer);
  history.replaceState(null, '', h.toString() ? '#' + h : location.pathname);
}

// ---------------------------------------------------------------- marking matches

/** [start, end) UTF-16 ranges to mark: the hit's own highlights when the API sends them, else the query's words. */
function markRanges(hit, query) {
  if (Array.isArray(hit.highlights)) return hit.highlights.filter((r) => Array.isArray(r) && r.length === 2);
  const text = hit.text;
  const words = (query || '').split(/\s+/).filter((w) => w && !w.startsWith('#'))
    .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '')).filter((w) => w.length > 0);
  // lower-casing may change a string's length (İ): then compare as written, so offsets stay offsets into the text
  const lower = text.toLowerCase();
  const fold = lower.length === text.length;
  const ranges = [];
  for (const w of words) {
    const needle = fold ? w.toLowerCase() : w;
    const hay = fold ? lower : text;
    for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) ranges.push([i, i + needle.length]);
  }
  return ranges;
}

/** The text as nodes, with the ranges (merged where they overlap) in <mark>. */
function marked(text, ranges) {
  const sorted = ranges.map(([s, e]) => [Math.max(0, s), Math.min(text.length, e)]).filter(([s, e]) => s < e)
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (const [s, e] of sorted) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    if (from > at) out.push(text.slice(at, from));
    out.push(el('mark', {}, text.slice(from, e)));
    at = e;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

// ---------------------------------------------------------------- explanation

/** A bar per feature contribution, scaled to the largest; a penalty draws leftwards in its own colour. */
function explanation(explain, id) {
  const box = el('div', {class: 'explain', id, hidden: true});
  const facts = [];
  if (explain.tier) facts.push('tier: ' + explain.tier);
  if (explain.engine_score !== undefined) facts.push('engine score: ' + Number(explain.engine_score).toFixed(3));
  if (explain.order) facts.push('order: ' + explain.order);
  if (typeof explain.total === 'number') facts.push('total: ' + explain.total.toFixed(3));
  if (facts.length) box.append(el('p', {class: 'facts'}, facts.join(' · ')));
  const features = Object.entries(explain).filter(([k, v]) => !NOT_FEATURES.has(k) && typeof v === 'number');
  if (features.length === 0) return box;
  const max = Math.max(1e-9, ...features.map(([, v]) => Math.abs(v)));
  const chart = el('dl', {class: 'chart', 'aria-label': 'feature contributions to the score'});
  for (const [name, v] of features) {
    const bar = el('span', {class: 'fill' + (v < 0 ? ' negative' : '')});
    bar.style.width = (100 * Math.abs(v) / max).toFixed(1) + '%';
    chart.append(el('dt', {}, name), el('dd', {'data-feature': name},
      el('span', {class: 'track'}, bar), el('span', {class: 'value'}, v.toFixed(3))));
  }
  box.append(chart);
  return box;
}

// ---------------------------------------------------------------- hits

function hitItem(hit, query, list) {
  const boxId = list + '-explain-' + hit.id;
  const toggle = el('button', {type: 'button', class: 'why', 'aria-expanded': 'false', 'aria-controls': boxId}, 'Why this rank?');
  const box = hit.explain ? explanation(hit.explain, boxId) : null;
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    box.hidden = !open;
  });
  const meta = el('p', {class: 'meta'},
    el('span', {class: 'lang', title: 'detected language'}, hit.lang || 'und'), ' ',
    el('span', {class: 'author'}, hit.author_id), ' · ',
    el('time', {datetime: hit.created_at, title: formatTime(hit.created_at)}, formatAge(hit.created_at)),
    hit.score === null || hit.score === undefined ? null : ' · score ' + Number(hit.score).toFixed(3), ' ',
    box ? toggle : null);
  return el('li', {class: 'hit', 'data-id': hit.id},
    el('p', {class: 'text', lang: hit.lang && hit.lang !== 'und' ? hit.lang : null}, marked(hit.text, markRanges(hit, query))),
    meta, box);
}

function render(list, page, query, append) {
  const ol = $(list + '-results');
  if (!append) ol.replaceChildren();
  for (const hit of page.hits) ol.append(hitItem(hit, query, list));
  lists[list].cursor = page.next_cursor || null;
  $(list + '-more').hidden = !page.next_cursor;
  const n = ol.children.length;
  let status = n === 0 ? 'No posts.' : n + (n === 1 ? ' post' : ' posts') + (page.next_cursor ? ', more below' : '');
  if (page.ranking === 'reverse_chronological') status += ' (newest first: ' + (page.fallback_reason || 'ranking unavailable') + ')';
  $(list + '-status').textContent = status;
}

// ---------------------------------------------------------------- search and feed

async function search(append) {
  const state = lists.search;
  const seq = ++state.seq;
  writeHash();
  const p = viewerParams();
  for (const f of FILTERS) {
    const v = $(f).value.trim();
    if (v && !(f === 'sort' && v === 'relevance')) p.set(f, v);
  }
  if (!p.get('q') && p.get('sort') !== 'recent') {
    $('search-results').replaceChildren();
    $('search-more').hidden = true;
    $('search-status').textContent = 'Type a query, or choose “newest first” to list posts by filter.';
    return;
  }
  p.set('explain', 'true');
  if (append && state.cursor) p.set('cursor', state.cursor);
  $('search-status').textContent = 'Searching…';
  const res = await api('/v1/search?' + p, {token: token()});
  if (seq !== state.seq) return; // a newer request was sent meanwhile
  if (res.status !== 200) {
    $('search-status').textContent = 'Error: ' + errorText(res);
    if (!append) $('search-results').replaceChildren();
    $('search-more').hidden = true;
    return;
  }
  render('search', res.json, p.get('q'), append);
}

async function feed(append) {
  const state = lists.feed;
  const seq = ++state.seq;
  writeHash();
  const p = viewerParams();
  if (!p.get('viewer') && !token()) {
    $('feed-status').textContent = 'Choose a viewer above: the feed is personal.';
    $('feed-results').replaceChildren();
    $('feed-more').hidden = true;
    return;
  }
  p.set('limit', $('limit').value);
  p.set('explain', 'true');
  if (append && state.cursor) p.set('cursor', state.cursor);
  $('feed-status').textContent = 'Loading…';
  const res = await api('/v1/feed?' + p, {token: token()});
  if (seq !== state.seq) return;
  if (res.status !== 200) {
    $('feed-status').textContent = 'Error: ' + errorText(res);
    $('feed-more').hidden = true;
    return;
  }
  render('feed', res.json, '', append);
}

// ---------------------------------------------------------------- tabs (arrow keys move between them)

function selectTab(which, focus) {
  for (const name of ['search', 'feed']) {
    const on = name === which;
    const tab = $('tab-' + name);
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(name + '-panel').hidden = !on;
    if (on && focus) tab.focus();
  }
  writeHash();
}

function init() {
  $('langs').replaceChildren(...LANGS.map((l) => el('option', {value: l})));
  readHash();
  const later = debounce(() => search(false), 250);
  $('who').addEventListener('submit', (e) => e.preventDefault());
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(false); });
  for (const id of ['q', 'lang', 'author', 'tag']) $(id).addEventListener('input', later);
  for (const id of ['since', 'until', 'sort', 'limit']) $(id).addEventListener('change', () => search(false));
  $('viewer').addEventListener('change', () => { search(false); if (!$('feed-panel').hidden) feed(false); });
  $('credential').addEventListener('change', () => search(false));
  $('search-more').addEventListener('click', () => search(true));
  $('feed-load').addEventListener('click', () => feed(false));
  $('feed-more').addEventListener('click', () => feed(true));
  for (const name of ['search', 'feed']) {
    $('tab-' + name).addEventListener('click', () => { selectTab(name, false); if (name === 'feed') feed(false); });
    $('tab-' + name).addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { selectTab(name === 'search' ? 'feed' : 'search', true); e.preventDefault(); }
    });
  }
  window.addEventListener('hashchange', () => { readHash(); search(false); });
  search(false);
  if (!$('feed-panel').hidden) feed(false);
}

document.addEventListener('DOMContentLoaded', init);
