'use strict';
// The Diffusion AppHost dashboard: polls the JSON API, streams console lines over server-sent events.
const $ = (selector) => document.querySelector(selector);
const palette = ['#0969da', '#8250df', '#bf3989', '#1a7f37', '#9a6700', '#cf222e', '#1b7c83', '#6639ba'];
const colours = new Map();
const colourOf = (service) => {
  if (!colours.has(service)) { colours.set(service, palette[colours.size % palette.length]); }
  return colours.get(service);
};
const text = (value) => document.createTextNode(value === undefined || value === null ? '' : String(value));
function cell(row, content, className) {
  const td = row.insertCell();
  if (content instanceof Node) { td.appendChild(content); } else { td.appendChild(text(content)); }
  if (className) { td.className = className; }
  return td;
}
async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) { throw new Error(url + ': ' + response.status); }
  return response.json();
}

let activeTab = 'resources';
for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => showTab(button.dataset.tab));
}
function showTab(name) {
  activeTab = name;
  for (const button of document.querySelectorAll('nav button')) { button.classList.toggle('active', button.dataset.tab === name); }
  for (const section of document.querySelectorAll('.tab')) { section.classList.toggle('active', section.id === name); }
  refresh();
}

// Resources
async function refreshResources() {
  const resources = await getJson('/api/resources');
  const body = $('#resource-table tbody');
  body.replaceChildren();
  for (const r of resources) {
    const row = body.insertRow();
    row.dataset.resource = r.name;
    cell(row, r.name);
    cell(row, r.kind);
    cell(row, r.state, 'state-' + r.state);
    cell(row, r.health, 'health-' + r.health);
    cell(row, r.restarts);
    cell(row, r.endpoints.join('\n'));
    cell(row, r.replicas.map(p => `${p.name}: ${p.state}${p.processId ? ' pid ' + p.processId : ''}${p.healthDetail ? ' (' + p.healthDetail.slice(0, 60) + ')' : ''}`).join('\n'));
    const logs = document.createElement('a');
    logs.href = '#';
    logs.textContent = 'console';
    logs.addEventListener('click', (e) => { e.preventDefault(); $('#console-resource').value = r.name; openConsole(r.name); showTab('console'); });
    cell(row, logs);
  }
  const select = $('#console-resource');
  if (select.options.length !== resources.length) {
    const current = select.value;
    select.replaceChildren(...resources.map(r => new Option(r.name, r.name)));
    if (current) { select.value = current; }
  }
  const running = resources.filter(r => r.state === 'Running').length;
  $('#status').textContent = `${running}/${resources.length} running`;
}

// Console (server-sent events)
let consoleSource = null;
function openConsole(name) {
  if (consoleSource) { consoleSource.close(); }
  const pre = $('#console-lines');
  pre.replaceChildren();
  consoleSource = new EventSource(`/api/resources/${encodeURIComponent(name)}/logs/stream`);
  consoleSource.onmessage = (event) => {
    const line = JSON.parse(event.data);
    const div = document.createElement('div');
    if (line.isError) { div.className = 'err'; }
    const source = document.createElement('span');
    source.className = 'src';
    source.textContent = `[${line.source}] `;
    div.append(source, text(line.text));
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 20;
    pre.appendChild(div);
    while (pre.childNodes.length > 3000) { pre.removeChild(pre.firstChild); }
    if (atBottom) { pre.scrollTop = pre.scrollHeight; }
  };
}
$('#console-resource').addEventListener('change', (e) => openConsole(e.target.value));

// Traces
let selectedTrace = null;
async function refreshTraces() {
  const traces = await getJson('/api/traces?limit=100&requestsOnly=' + $('#requests-only').checked);
  const body = $('#trace-table tbody');
  body.replaceChildren();
  for (const t of traces) {
    const row = body.insertRow();
    row.dataset.traceId = t.traceId;
    if (t.hasError) { row.classList.add('error'); }
    if (t.traceId === selectedTrace) { row.classList.add('selected'); }
    cell(row, new Date(t.startUnixMs).toLocaleTimeString());
    cell(row, `${t.rootService}: ${t.rootName}`);
    const services = document.createElement('span');
    for (const s of t.services) {
      const badge = document.createElement('span');
      badge.className = 'svc';
      badge.style.background = colourOf(s);
      badge.textContent = s;
      services.appendChild(badge);
    }
    cell(row, services);
    cell(row, t.spanCount);
    cell(row, t.durationMs.toFixed(1) + ' ms');
    row.addEventListener('click', () => { selectedTrace = t.traceId; showTrace(t.traceId); refreshTraces(); });
  }
}
async function showTrace(traceId) {
  const spans = await getJson('/api/traces/' + traceId);
  const box = $('#waterfall');
  box.replaceChildren();
  const start = Math.min(...spans.map(s => s.startUnixNano));
  const end = Math.max(...spans.map(s => s.endUnixNano));
  const total = Math.max(end - start, 1);
  const title = document.createElement('p');
  title.textContent = `Trace ${traceId}: ${spans.length} spans, ${((end - start) / 1e6).toFixed(1)} ms`;
  box.appendChild(title);
  // Depth-first order: children under their parent.
  const ids = new Set(spans.map(s => s.spanId));
  const children = new Map();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    if (!children.has(parent)) { children.set(parent, []); }
    children.get(parent).push(s);
  }
  const ordered = [];
  const visit = (parent, depth) => {
    for (const s of (children.get(parent) || []).sort((a, b) => a.startUnixNano - b.startUnixNano)) {
      ordered.push([s, depth]);
      visit(s.spanId, depth + 1);
    }
  };
  visit(null, 0);
  for (const [s, depth] of ordered) {
    const row = document.createElement('div');
    row.className = 'span-row';
    row.dataset.service = s.service;
    row.title = Object.entries(s.attributes).map(([k, v]) => `${k} = ${v}`).join('\n');
    const label = document.createElement('div');
    label.className = 'span-label';
    label.style.paddingLeft = (depth * 0.8) + 'rem';
    const badge = document.createElement('span');
    badge.className = 'svc';
    badge.style.background = colourOf(s.service);
    badge.textContent = s.service;
    label.append(badge, text(`${s.name} (${s.kind.toLowerCase()})`));
    const track = document.createElement('div');
    track.className = 'span-track';
    const bar = document.createElement('div');
    bar.className = 'span-bar' + (s.isError ? ' error' : '');
    const left = ((s.startUnixNano - start) / total) * 100;
    const width = ((s.endUnixNano - s.startUnixNano) / total) * 100;
    bar.style.left = left + '%';
    bar.style.width = width + '%';
    bar.style.background = colourOf(s.service);
    const time = document.createElement('span');
    time.className = 'span-time';
    time.style.left = Math.min(left + width + 0.5, 90) + '%';
    time.textContent = s.durationMs.toFixed(2) + ' ms';
    track.append(bar, time);
    row.append(label, track);
    box.appendChild(row);
  }
}

// Metrics and structured logs
async function refreshMetrics() {
  const metrics = await getJson('/api/metrics');
  const body = $('#metrics-table tbody');
  body.replaceChildren();
  for (const m of metrics) {
    const row = body.insertRow();
    cell(row, m.service); cell(row, m.requests); cell(row, m.errors);
    cell(row, m.p50Ms.toFixed(2)); cell(row, m.p95Ms.toFixed(2)); cell(row, m.maxMs.toFixed(2));
  }
}
async function refreshLogs() {
  const logs = await getJson('/api/logs?limit=300');
  const body = $('#log-table tbody');
  body.replaceChildren();
  for (const l of logs) {
    const row = body.insertRow();
    cell(row, new Date(l.timeUnixNano / 1e6).toLocaleTimeString());
    cell(row, l.service); cell(row, l.severity); cell(row, l.category); cell(row, l.body);
  }
}

async function refresh() {
  try {
    if (activeTab === 'resources') { await refreshResources(); }
    else if (activeTab === 'traces') { await refreshTraces(); }
    else if (activeTab === 'metrics') { await refreshMetrics(); }
    else if (activeTab === 'logs') { await refreshLogs(); }
    else if (activeTab === 'console' && !consoleSource) {
      await refreshResources();
      if ($('#console-resource').value) { openConsole($('#console-resource').value); }
    }
  } catch (error) {
    $('#status').textContent = 'AppHost unreachable: ' + error.message;
  }
}
refresh();
setInterval(refresh, 1500);
