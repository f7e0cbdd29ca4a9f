// The experiments view: experiments -> trials -> components as a table with
// chosen parameter and metric columns, sorting and a filter bar, and a line
// chart of one component's metric series (POST /BatchGetMetrics).
import { sm, smAll, batchGetMetrics } from './api.js';
import { h, replace, cellText } from './dom.js';
import { lineChart } from './chart.js';

const STATS = ['Last', 'Avg', 'Min', 'Max', 'Count'];

function paramValue(p) {
  return p && typeof p === 'object' ? ('NumberValue' in p ? p.NumberValue : p.StringValue) : p;
}

/** The rows of experiment `name`: one per (trial, component). */
async function loadRows(name) {
  const trials = await smAll('ListTrials', { ExperimentName: name }, 'TrialSummaries');
  if (!trials.ok) return trials;
  const perTrial = await Promise.all(trials.items.map(async (t) => {
    const comps = await smAll('ListTrialComponents', { TrialName: t.TrialName }, 'TrialComponentSummaries');
    return Promise.all((comps.items || []).map(async (c) => {
      const d = await sm('DescribeTrialComponent', { TrialComponentName: c.TrialComponentArn });
      const x = d.ok ? d.data : c;
      return {
        trial: t.TrialName,
        component: x.TrialComponentName,
        arn: x.TrialComponentArn,
        status: x.Status?.PrimaryStatus || '',
        params: Object.fromEntries(Object.entries(x.Parameters || {}).map(([k, v]) => [k, paramValue(v)])),
        metrics: Object.fromEntries((x.Metrics || []).map((m) => [m.MetricName, m])),
      };
    }));
  }));
  return { ok: true, rows: perTrial.flat() };
}

/** "max_depth>4" style filters on a column, or plain text anywhere in the row. */
function matches(row, cols, filter) {
  const f = filter.trim();
  if (!f) return true;
  const m = /^([^<>=!]+?)\s*(<=|>=|!=|=|<|>)\s*(.+)$/.exec(f);
  if (m) {
    const col = cols.find((c) => c.label === m[1].trim());
    if (col) {
      const v = col.get(row);
      const w = m[3].trim();
      const num = typeof v === 'number' && !isNaN(Number(w));
      const a = num ? v : String(v ?? '');
      const b = num ? Number(w) : w;
      return { '<': a < b, '>': a > b, '<=': a <= b, '>=': a >= b, '=': a == b, '!=': a != b }[m[2]]; // eslint-disable-line eqeqeq
    }
  }
  const low = f.toLowerCase();
  return cols.some((c) => cellText(c.get(row)).toLowerCase().includes(low));
}

/** Draws the view into `root` for `state` (exp, tc, metric, sort, filter, stat);
 * `nav(patch, push)` changes the URL state. */
export async function showExperiments(root, state, nav, cache) {
  const typing = document.activeElement?.id === 'exp-filter'; // keep the caret in the filter bar
  const status = h('p', { className: 'status', role: 'status', text: 'Loading experiments…' });
  replace(root, status);
  const list = cache.experiments || (cache.experiments = await smAll('ListExperiments', {}, 'ExperimentSummaries'));
  if (!list.ok) {
    cache.experiments = null;
    replace(root, h('p', { className: 'error', role: 'alert', text: list.error }));
    return;
  }
  const picker = h('select', { id: 'experiment-select', 'aria-label': 'Experiment', onchange: (e) => nav({ exp: e.target.value, tc: '', metric: '' }, true) },
    h('option', { value: '', text: list.items.length ? 'Choose an experiment…' : 'No experiments' }),
    list.items.map((x) => h('option', { value: x.ExperimentName, selected: x.ExperimentName === state.exp, text: x.DisplayName && x.DisplayName !== x.ExperimentName ? `${x.DisplayName} (${x.ExperimentName})` : x.ExperimentName })));
  const head = h('div', { className: 'exp-head' }, h('label', {}, 'Experiment ', picker));
  if (!state.exp) {
    replace(root, head);
    return;
  }
  status.textContent = 'Loading trials and components…';
  replace(root, head, status);
  const key = `rows ${state.exp}`;
  const loaded = cache[key] || (cache[key] = await loadRows(state.exp));
  if (!loaded.ok) {
    cache[key] = null;
    replace(root, head, h('p', { className: 'error', role: 'alert', text: loaded.error }));
    return;
  }
  const rows = loaded.rows;
  const paramNames = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const metricNames = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const stat = STATS.includes(state.stat) ? state.stat : 'Last';
  const hidden = new Set((state.hide || '').split(',').filter(Boolean));
  const cols = [
    { label: 'trial', get: (r) => r.trial },
    { label: 'component', get: (r) => r.component },
    { label: 'status', get: (r) => r.status },
    ...paramNames.map((p) => ({ label: p, kind: 'param', get: (r) => r.params[p] })),
    ...metricNames.map((m) => ({ label: m, kind: 'metric', get: (r) => r.metrics[m]?.[stat] })),
  ].filter((c) => !hidden.has(c.label));

  const chooser = h('details', { className: 'columns' }, h('summary', { text: 'Columns' }),
    [...paramNames.map((p) => ['parameter', p]), ...metricNames.map((m) => ['metric', m])].map(([kind, name]) => h('label', {},
      h('input', { type: 'checkbox', checked: !hidden.has(name), onchange: (e) => {
        const next = new Set(hidden);
        if (e.target.checked) next.delete(name);
        else next.add(name);
        nav({ hide: [...next].join(',') }, false);
      } }), ` ${name} (${kind})`)),
    h('label', {}, 'Metric statistic ', h('select', { id: 'metric-stat', onchange: (e) => nav({ stat: e.target.value }, false) },
      STATS.map((x) => h('option', { value: x, selected: x === stat, text: x })))));
  const filter = h('input', { type: 'search', id: 'exp-filter', placeholder: 'Filter: text, or column>value (e.g. max_depth>4)', value: state.filter || '', 'aria-label': 'Filter rows' });
  let timer;
  filter.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => nav({ filter: filter.value }, false, true), 200);
  });

  const [sortCol, sortDir] = (state.sort || 'component:asc').split(':');
  const col = cols.find((c) => c.label === sortCol) || cols[1];
  const shown = rows.filter((r) => matches(r, cols, state.filter || '')).sort((a, b) => {
    const x = col.get(a);
    const y = col.get(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : cellText(x).localeCompare(cellText(y));
    return sortDir === 'desc' ? -c : c;
  });
  const th = (c) => h('th', { scope: 'col', className: c.kind || '', 'aria-sort': c === col ? (sortDir === 'desc' ? 'descending' : 'ascending') : 'none' },
    h('button', { type: 'button', className: 'sort', onclick: () => nav({ sort: `${c.label}:${c === col && sortDir !== 'desc' ? 'desc' : 'asc'}` }, false) },
      c.label, c === col ? (sortDir === 'desc' ? ' ▼' : ' ▲') : ''));
  const tableEl = h('table', { className: 'data experiments', id: 'experiment-table' },
    h('thead', {}, h('tr', {}, cols.map(th), h('th', { scope: 'col', text: 'chart' }))),
    h('tbody', {}, shown.map((r) => h('tr', { className: r.arn === state.tc ? 'chosen' : '', 'data-arn': r.arn },
      cols.map((c) => {
        const v = c.get(r);
        return typeof v === 'number' ? h('td', { className: 'num', title: String(v), text: String(Number(v.toPrecision(6))) }) : h('td', { text: cellText(v) });
      }),
      h('td', {}, h('button', { type: 'button', className: 'link', text: 'Chart', 'aria-label': `Chart ${r.component}`, onclick: () => nav({ tc: r.arn, metric: state.metric || Object.keys(r.metrics)[0] || '' }, true) }))))));
  const count = h('p', { className: 'muted', text: `${shown.length} of ${rows.length} components` });
  const chartBox = h('div', { className: 'chart-box', id: 'chart-box' });
  replace(root, head, h('div', { className: 'exp-tools' }, filter, chooser), count, h('div', { className: 'table-wrap' }, tableEl), chartBox);
  if (typing) {
    filter.focus();
    filter.setSelectionRange(filter.value.length, filter.value.length);
  }
  if (state.tc) await drawChart(chartBox, rows.find((r) => r.arn === state.tc), state, nav);
}

async function drawChart(box, row, state, nav) {
  if (!row) return;
  const names = Object.keys(row.metrics);
  if (!names.length) {
    replace(box, h('p', { className: 'muted', text: `${row.component} has no metrics.` }));
    return;
  }
  const metric = names.includes(state.metric) ? state.metric : names[0];
  const picker = h('select', { id: 'chart-metric', 'aria-label': 'Metric to chart', onchange: (e) => nav({ metric: e.target.value }, false) },
    names.map((n) => h('option', { value: n, selected: n === metric, text: n })));
  replace(box, h('h3', { text: `${row.component}: ` }, picker), h('p', { className: 'loading', text: 'Loading the series…' }));
  const r = await batchGetMetrics([{ ResourceArn: row.arn, MetricName: metric, MetricStat: 'Avg', Period: 'IterationNumber', XAxisType: 'IterationNumber' }]);
  const res = r.ok ? (r.data.MetricQueryResults || [])[0] : null;
  if (!res || res.Status !== 'Complete' || !res.XAxisValues?.length) {
    replace(box, h('h3', {}, `${row.component}: `, picker), h('p', { className: 'error', text: r.ok ? (res?.Message || 'No points for this metric.') : r.error }));
    return;
  }
  replace(box, h('h3', {}, `${row.component}: `, picker), lineChart(res.XAxisValues, res.MetricValues, `${metric} (${row.component})`, 'iteration'));
}
