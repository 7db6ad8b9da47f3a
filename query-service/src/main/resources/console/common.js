// Helpers both console pages share. The pages talk to the public HTTP API only, like any client would.
'use strict';

/** Builds an element; children are nodes or strings (always text, never parsed as HTML). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** One API call: resolves to {status, json}; a network failure is status 0 with its message. */
async function api(path, {token, method, body} = {}) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const r = await fetch(path, {method: method || 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body)});
    let json = null;
    try { json = await r.json(); } catch (e) { json = null; }
    return {status: r.status, json};
  } catch (e) {
    return {status: 0, json: {error: {message: String(e)}}};
  }
}

/** The error message of a failed call, for a status line. */
function errorText(res) {
  const e = res.json && res.json.error;
  return (e ? e.message + (e.field ? ' (' + e.field + ')' : '') : 'HTTP ' + res.status);
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

function formatTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function formatAge(iso) {
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 90) return Math.round(s) + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 129600) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}
