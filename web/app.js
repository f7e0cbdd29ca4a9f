// The explorer: URL state, the find box, the graph view with its toolbar
// (depths, as-of, path, export), the details panel and the experiments view.
import { native, scope, nameOf, sm } from './api.js';
import { h, replace, download } from './dom.js';
import { LineageGraph, layout, draw, PanZoom } from './graph.js';
import { showDetails } from './details.js';
import { showExperiments } from './experiments.js';

const $ = (id) => document.getElementById(id);
const KEYS = ['view', 'start', 'up', 'down', 'as_of', 'sel', 'from', 'to', 'account', 'region', 'exp', 'tc', 'metric', 'sort', 'filter', 'stat', 'hide'];
const BUDGET = 300;

let state = readUrl();
let graph = null;
let graphKey = '';
let positions = new Map();
let pathSet = new Set();
let pathKey = '';
const panzoom = new PanZoom($('graph'));
const expCache = {};

function readUrl() {
  const q = new URLSearchParams(location.search);
  const st = {};
  for (const k of KEYS) st[k] = q.get(k) || '';
  st.x = q.getAll('x');
  st.view ||= 'graph';
  return st;
}

function writeUrl(push) {
  const q = new URLSearchParams();
  for (const k of KEYS) if (state[k]) q.set(k, state[k]);
  for (const x of state.x) q.append('x', x);
  const url = `${location.pathname}?${q}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** Changes the state, records it in the URL (a history entry when `push`) and redraws. */
function nav(patch, push, quiet) {
  state = { ...state, ...patch };
  writeUrl(push);
  if (!quiet || state.view === 'experiments') render();
}

window.addEventListener('popstate', () => {
  state = readUrl();
  render();
});

function setStatus(text, kind = '') {
  const el = $('status');
  el.className = `status ${kind}`;
  el.textContent = text;
}

function depth(v) {
  const n = parseInt(v, 10);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : 2;
}

// ---- Find ------------------------------------------------------------------

const findInput = $('find');
const findList = $('find-results');
let findTimer;
let findSeq = 0;
let active = -1;

function closeFind() {
  findList.hidden = true;
  findInput.setAttribute('aria-expanded', 'false');
  active = -1;
}

function chooseHit(hit) {
  closeFind();
  findInput.value = hit.name || hit.arn;
  if (hit.kind === 'experiment') return nav({ view: 'experiments', exp: hit.name, tc: '' }, true);
  if (hit.kind === 'trial') {
    return sm('DescribeTrial', { TrialName: hit.name }).then((r) => nav({ view: 'experiments', exp: r.ok ? r.data.ExperimentName : '', tc: '' }, true));
  }
  return nav({ view: 'graph', start: hit.arn, sel: hit.arn, x: [], from: '', to: '' }, true);
}

async function find() {
  const q = findInput.value.trim();
  const seq = ++findSeq;
  if (!q) return closeFind();
  const r = await native('find', { q, kind: $('find-kind').value, limit: 15 });
  if (seq !== findSeq) return;
  const items = r.ok ? r.data.results : [];
  active = -1;
  replace(findList, r.ok
    ? (items.length ? items.map((hit, i) => {
      const li = h('li', { role: 'option', id: `find-opt-${i}`, className: 'find-hit', 'data-arn': hit.arn, 'aria-selected': 'false' },
        h('span', { className: `badge k-${hit.kind}`, text: hit.kind }), ' ',
        h('span', { className: 'hit-name', text: hit.name || nameOf(hit.arn) }), ' ',
        h('span', { className: 'muted', text: hit.type || '' }),
        hit.sourceUri ? h('div', { className: 'hit-uri muted', text: hit.sourceUri }) : null);
      li.addEventListener('mousedown', (ev) => ev.preventDefault());
      li.addEventListener('click', () => chooseHit(hit));
      li.hit = hit;
      return li;
    }) : [h('li', { className: 'muted', text: 'Nothing starts with that.' })])
    : [h('li', { className: 'error', text: r.unavailable ? 'Find is not available on this server.' : r.error })]);
  findList.hidden = false;
  findInput.setAttribute('aria-expanded', 'true');
}

function moveActive(d) {
  const opts = [...findList.querySelectorAll('.find-hit')];
  if (!opts.length) return;
  active = (active + d + opts.length) % opts.length;
  opts.forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
  findInput.setAttribute('aria-activedescendant', opts[active].id);
  opts[active].scrollIntoView({ block: 'nearest' });
}

findInput.addEventListener('input', () => {
  clearTimeout(findTimer);
  findTimer = setTimeout(find, 150);
});
$('find-kind').addEventListener('change', find);
findInput.addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowDown') moveActive(1);
  else if (ev.key === 'ArrowUp') moveActive(-1);
  else if (ev.key === 'Escape') closeFind();
  else if (ev.key === 'Enter') {
    const opts = [...findList.querySelectorAll('.find-hit')];
    const pick = opts[active] || opts[0];
    if (pick) chooseHit(pick.hit);
  } else return;
  ev.preventDefault();
});
findInput.addEventListener('blur', () => setTimeout(closeFind, 150));
document.addEventListener('keydown', (ev) => {
  if (ev.key === '/' && !/INPUT|SELECT|TEXTAREA/.test(document.activeElement?.tagName)) {
    ev.preventDefault();
    findInput.focus();
  }
});

// ---- Graph -----------------------------------------------------------------

function lineageParams(extra) {
  return { start: state.start, up: depth(state.up), down: depth(state.down), budget: BUDGET, as_of: state.as_of || undefined, ...extra };
}

let asOfServed; // undefined until asked, per page load

/** Whether the server reads as_of: a server that ignores the parameter would
 * still show the start entity in 1970, before anything was created. */
async function servesAsOf() {
  if (asOfServed === undefined) {
    const r = await native('lineage', { start: state.start, up: 0, down: 0, as_of: '1970-01-01T00:00:00Z' });
    asOfServed = !r.unavailable && !(r.ok && (r.data.vertices || []).some((v) => v.arn === state.start));
  }
  return asOfServed;
}

async function loadGraph() {
  const key = JSON.stringify([state.start, state.up, state.down, state.as_of, state.x, scope]);
  if (key === graphKey && graph) return true;
  setStatus('Loading the lineage…', 'loading');
  if (state.as_of && !(await servesAsOf())) {
    graph = null;
    graphKey = '';
    replace($('graph'));
    setStatus('Viewing the graph as of a past moment is not available on this server.', 'unavailable');
    return false;
  }
  const r = await native('lineage', lineageParams());
  if (!r.ok) {
    graph = null;
    graphKey = '';
    const msg = state.as_of && r.unavailable
      ? 'Viewing the graph as of a past moment is not available on this server.'
      : `The lineage cannot be loaded: ${r.error}`;
    replace($('graph'));
    setStatus(msg, r.unavailable ? 'unavailable' : 'error');
    return false;
  }
  const g = new LineageGraph();
  g.merge(r.data);
  for (const x of state.x) {
    const i = x.indexOf(':');
    const dir = x.slice(0, i);
    const arn = x.slice(i + 1);
    if (!g.vertices.has(arn)) continue;
    const sub = await native('lineage', { start: arn, up: dir === 'up' ? 2 : 0, down: dir === 'down' ? 2 : 0, budget: BUDGET, as_of: state.as_of || undefined });
    if (sub.ok) g.merge(sub.data, arn, dir);
  }
  graph = g;
  graphKey = key;
  pathKey = '';
  return true;
}

async function loadPath() {
  const key = `${state.from} ${state.to} ${graphKey}`;
  if (key === pathKey) return;
  pathKey = key;
  pathSet = new Set();
  const box = $('path-status');
  if (!state.from || !state.to) {
    replace(box, state.from ? `Path from ${nameOf(state.from)}: choose its other end (Shift+click, or “Path to here”).` : '');
    return;
  }
  let r = await native('lineage/paths', { from: state.from, to: state.to });
  if (r.ok && !(r.data.paths || []).length) r = await native('lineage/paths', { from: state.to, to: state.from });
  if (!r.ok) {
    replace(box, h('span', { className: 'error', text: `The path cannot be found: ${r.error}` }));
    return;
  }
  const paths = r.data.paths || [];
  if (!paths.length) {
    replace(box, h('span', { className: 'muted', text: `No directed path links ${nameOf(state.from)} and ${nameOf(state.to)} within 10 associations.` }));
    return;
  }
  graph.mergePaths(r.data);
  for (const p of paths) {
    p.forEach((arn, i) => {
      pathSet.add(arn);
      if (i) pathSet.add(`${p[i - 1]} ${arn}`);
    });
  }
  const names = paths[0].map((a) => r.data.vertices[a]?.name || nameOf(a));
  replace(box, h('span', { id: 'path-summary', text: `${paths.length} shortest path${paths.length > 1 ? 's' : ''} of ${r.data.length} association${r.data.length > 1 ? 's' : ''}${r.data.more ? ' (more left out)' : ''}: ${names.join(' → ')}` }),
    ' ', h('button', { type: 'button', className: 'link', text: 'Clear path', onclick: () => nav({ from: '', to: '' }, true) }));
}

function redraw(refit) {
  positions = layout(graph);
  const viewport = draw($('graph'), graph, positions, {
    centre: state.start,
    selected: state.sel || state.start,
    path: pathSet,
    onVertex: (arn, ev) => {
      if (ev.shiftKey) return setPath(state.from && !state.to ? 'to' : 'from', arn);
      if (ev.type === 'keydown' || arn !== state.start) nav({ start: arn, sel: arn, x: [] }, true);
      else nav({ sel: arn }, true);
    },
    onStub: (arn, dir) => nav({ x: [...state.x, `${dir}:${arn}`] }, true),
  });
  panzoom.attach(viewport);
  if (refit) panzoom.fit();
  const n = graph.vertices.size;
  const more = [...graph.stubs.values()].reduce((t, x) => t + x.unexplored, 0);
  setStatus(`${n} entit${n === 1 ? 'y' : 'ies'}, ${graph.edges.size} association${graph.edges.size === 1 ? '' : 's'}${more ? `, ${more} more not shown` : ''}${state.as_of ? ` · as of ${state.as_of}` : ''}`);
}

function setPath(which, arn) {
  if (which === 'from') nav({ from: arn, to: state.to === arn ? '' : state.to }, true);
  else nav({ to: arn, from: state.from || state.start }, true);
}

const detailCtx = {
  recentre: (arn) => nav({ view: 'graph', start: arn, sel: arn, x: [] }, true),
  setPath,
  chart: async (arn) => {
    const r = await sm('DescribeTrialComponent', { TrialComponentName: arn });
    // A component's experiment: through its first trial.
    const trials = r.ok ? await sm('ListTrials', { TrialComponentName: r.data.TrialComponentName }) : null;
    const trial = trials?.ok ? trials.data.TrialSummaries?.[0] : null;
    const t = trial ? await sm('DescribeTrial', { TrialName: trial.TrialName }) : null;
    if (t?.ok) nav({ view: 'experiments', exp: t.data.ExperimentName, tc: arn, metric: '' }, true);
    else setStatus('This component belongs to no experiment, so it has no table to chart from.', 'error');
  },
};

let detailsFor = '';
async function renderGraphView() {
  $('up').value = depth(state.up);
  $('down').value = depth(state.down);
  $('as-of').value = state.as_of ? state.as_of.replace(/Z$/, '').slice(0, 19) : '';
  $('as-of-banner').hidden = !state.as_of;
  $('as-of-text').textContent = state.as_of ? `Viewing the graph as of ${state.as_of}.` : '';
  if (!state.start) {
    replace($('graph'));
    replace($('details'), h('div', { className: 'welcome' },
      h('h2', { text: 'Find an entity to begin' }),
      h('p', { text: 'Type a name, an ARN or a source URI in the box above (press / to jump there). The graph shows what the entity came from on the left and what it fed on the right.' }),
      h('p', { text: 'Click an entity to centre on it, Shift+click two entities to highlight the path between them, and click “N more” to expand.' }),
      h('div', { id: 'starting-points' })));
    setStatus('');
    detailsFor = '';
    await startingPoints($('starting-points'));
    return;
  }
  const before = graphKey;
  if (!(await loadGraph())) return;
  await loadPath();
  redraw(before !== graphKey);
  const sel = state.sel || state.start;
  const key = `${sel} ${state.start} ${JSON.stringify(scope)}`;
  if (key !== detailsFor) {
    detailsFor = key;
    await showDetails($('details'), sel, { ...detailCtx, centre: state.start });
  }
}

/** The newest models and endpoints of the account, as places to start from. */
async function startingPoints(box) {
  const newest = { SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 8 };
  const [models, endpoints] = await Promise.all([
    sm('ListArtifacts', { ...newest, ArtifactType: 'Model' }),
    sm('ListContexts', { ...newest, ContextType: 'Endpoint' }),
  ]);
  const list = (title, r, member, arnKey, nameKey) => {
    const items = r.ok ? r.data[member] || [] : [];
    if (!items.length) return null;
    return [h('h3', { text: title }), h('ul', { className: 'starts' }, items.map((x) => h('li', {},
      h('button', { type: 'button', className: 'link', text: x[nameKey] || nameOf(x[arnKey]), title: x[arnKey],
        onclick: () => nav({ start: x[arnKey], sel: x[arnKey], x: [], from: '', to: '' }, true) }))))];
  };
  replace(box, list('Newest models', models, 'ArtifactSummaries', 'ArtifactArn', 'ArtifactName'),
    list('Newest endpoints', endpoints, 'ContextSummaries', 'ContextArn', 'ContextName'));
}

function applyDepths() {
  nav({ up: String(depth($('up').value)), down: String(depth($('down').value)), x: [] }, true);
}
$('up').addEventListener('change', applyDepths);
$('down').addEventListener('change', applyDepths);
$('fit').addEventListener('click', () => panzoom.fit());
$('zoom-in').addEventListener('click', () => panzoom.zoom(1.25));
$('zoom-out').addEventListener('click', () => panzoom.zoom(1 / 1.25));
$('as-of-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const v = $('as-of').value;
  if (!v) return nav({ as_of: '' }, true);
  const d = new Date(`${v}Z`);
  if (!isNaN(d)) nav({ as_of: d.toISOString().replace(/\.000Z$/, 'Z'), x: [] }, true);
});
$('as-of-now').addEventListener('click', () => nav({ as_of: '', x: [] }, true));

// ---- Export ----------------------------------------------------------------

const EXPORT = {
  svg: { type: /svg/, mime: 'image/svg+xml' },
  dot: { type: /graphviz|text\/plain|dot/, mime: 'text/vnd.graphviz' },
  json: { type: /json/, mime: 'application/json' },
};

async function exportView(format) {
  const box = $('export-status');
  if (!state.start) return replace(box, h('span', { className: 'error', text: 'Find an entity first.' }));
  replace(box, h('span', { className: 'loading', text: `Exporting ${format.toUpperCase()}…` }));
  const r = await native('lineage', lineageParams({ format }));
  const want = EXPORT[format];
  const served = r.ok && want.type.test(r.type) && (format === 'json' || !/json/.test(r.type));
  const file = `lineage-${nameOf(state.start).slice(0, 40)}.${format}`;
  if (served) {
    download(new Blob([r.text], { type: want.mime }), file);
    replace(box, h('span', { id: 'export-done', text: `Saved ${file} (${r.text.length} bytes, from the server's export).` }));
    return;
  }
  const reason = r.ok || r.unavailable ? `${format.toUpperCase()} export is not available on this server.` : `Export failed: ${r.error}`;
  replace(box, h('span', { className: r.ok || r.unavailable ? 'unavailable' : 'error', id: 'export-unavailable', text: reason }), ' ',
    format === 'svg' ? h('button', { type: 'button', className: 'link', text: 'Save the drawing on screen instead', onclick: () => {
      const svg = $('graph').cloneNode(true);
      svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      download(new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }), file);
    } }) : null);
}
for (const f of Object.keys(EXPORT)) $(`export-${f}`).addEventListener('click', () => exportView(f));

// ---- Scope, tabs, render -----------------------------------------------------

$('scope-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  for (const k of Object.keys(expCache)) delete expCache[k];
  nav({ account: $('account').value.trim(), region: $('region').value.trim(), start: '', sel: '', x: [], exp: '', tc: '' }, true);
});
for (const v of ['graph', 'experiments']) $(`tab-${v}`).addEventListener('click', () => nav({ view: v }, true));

let rendering = Promise.resolve();
// Not ready from the moment a render is asked for until the last one asked for
// has finished, so nobody reads the previous view as the new one.
let pendingRenders = 0;
function render() {
  pendingRenders++;
  document.body.dataset.ready = 'false';
  rendering = rendering.then(renderNow, renderNow).finally(() => {
    if (--pendingRenders === 0) document.body.dataset.ready = 'true';
  });
  return rendering;
}

async function renderNow() {
  if (scope.account !== state.account || scope.region !== state.region) {
    scope.account = state.account;
    scope.region = state.region;
    graphKey = '';
    for (const k of Object.keys(expCache)) delete expCache[k];
  }
  $('account').value = state.account;
  $('region').value = state.region;
  const graphView = state.view !== 'experiments';
  $('graph-view').hidden = !graphView;
  $('experiments-view').hidden = graphView;
  $('tab-graph').setAttribute('aria-selected', String(graphView));
  $('tab-experiments').setAttribute('aria-selected', String(!graphView));
  document.title = state.start && graphView ? `${nameOf(state.start)} · lineaged explorer` : 'lineaged explorer';
  try {
    if (graphView) await renderGraphView();
    else await showExperiments($('experiments-view'), state, nav, expCache);
  } catch (e) {
    setStatus(`Something went wrong: ${e.message}`, 'error');
  }
}

render();
