// The details panel: everything Describe returns for one entity, its
// properties or parameters, metric summaries, tags, associations both ways,
// and its change history when the server keeps one.
import { sm, smAll, native, kindOf, nameOf } from './api.js';
import { h, replace, formatTime, cellText } from './dom.js';

const DESCRIBE = {
  artifact: (arn) => ['DescribeArtifact', { ArtifactArn: arn }],
  action: (arn) => ['DescribeAction', { ActionName: arn }],
  context: (arn) => ['DescribeContext', { ContextName: arn }],
  'trial-component': (arn) => ['DescribeTrialComponent', { TrialComponentName: arn }],
  experiment: (arn) => ['DescribeExperiment', { ExperimentName: nameOf(arn) }],
  trial: (arn) => ['DescribeTrial', { TrialName: nameOf(arn) }],
};

// Members shown in sections of their own rather than in the summary.
const OWN_SECTIONS = new Set(['Properties', 'Parameters', 'Metrics', 'InputArtifacts', 'OutputArtifacts']);

function section(title, ...body) {
  return h('section', { className: 'panel-section' }, h('h3', { text: title }), ...body);
}

function note(text, cls = 'muted') {
  return h('p', { className: cls, text });
}

/** A value of any JSON shape as nested definition lists. */
function value(v, key = '') {
  if (v === null || v === undefined) return h('span', { className: 'muted', text: '—' });
  if (Array.isArray(v)) return v.length ? h('ol', { className: 'json' }, v.map((x) => h('li', {}, value(x)))) : h('span', { className: 'muted', text: '[]' });
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (!keys.length) return h('span', { className: 'muted', text: '{}' });
    return h('dl', { className: 'json' }, keys.map((k) => [h('dt', { text: k }), h('dd', {}, value(v[k], k))]));
  }
  if (typeof v === 'number' && /Time$/.test(key)) return h('span', { text: formatTime(v) });
  return h('span', { className: 'json-value', text: cellText(v) });
}

function table(headers, rows) {
  return h('table', { className: 'data' },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', text: x })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c instanceof Node ? c : cellText(c)))))));
}

function keyValueTable(obj, render = (x) => x) {
  const keys = Object.keys(obj || {});
  if (!keys.length) return note('None.');
  return table(['Key', 'Value'], keys.map((k) => [k, render(obj[k])]));
}

function paramValue(p) {
  if (p && typeof p === 'object') return 'NumberValue' in p ? p.NumberValue : p.StringValue;
  return p;
}

function link(text, onClick, title) {
  return h('button', { type: 'button', className: 'link', title, text, onclick: onClick });
}

/** Fills `panel` with the details of `arn`. `ctx`: centre (ARN), recentre(arn),
 * setPath(which, arn), chart(componentArn, metricName). Returns when every section is drawn. */
export async function showDetails(panel, arn, ctx) {
  const kind = kindOf(arn);
  const heading = h('h2', { id: 'details-title', text: nameOf(arn) });
  const actions = h('div', { className: 'panel-actions' },
    arn !== ctx.centre && h('button', { type: 'button', text: 'Centre the graph here', onclick: () => ctx.recentre(arn) }),
    h('button', { type: 'button', id: 'path-from', text: 'Path from here', onclick: () => ctx.setPath('from', arn) }),
    h('button', { type: 'button', id: 'path-to', text: 'Path to here', onclick: () => ctx.setPath('to', arn) }));
  const body = h('div', { className: 'panel-body', 'aria-busy': 'true' }, note('Loading…', 'loading'));
  replace(panel, heading, h('p', { className: 'kind-line' }, h('span', { className: `badge k-${kind}`, text: kind }), ' ', h('code', { className: 'arn', text: arn })), actions, body);

  const describe = DESCRIBE[kind];
  const [desc, tags, ups, downs, hist] = await Promise.all([
    describe ? sm(...describe(arn)) : Promise.resolve({ ok: false, error: 'Not a lineage entity of this service.' }),
    sm('ListTags', { ResourceArn: arn }),
    smAll('ListAssociations', { DestinationArn: arn }, 'AssociationSummaries'),
    smAll('ListAssociations', { SourceArn: arn }, 'AssociationSummaries'),
    native('history', { arn }),
  ]);
  if (panel.querySelector('.panel-body') !== body) return; // another entity was chosen meanwhile
  const parts = [];
  if (!desc.ok) {
    parts.push(section('Description', note(desc.error, 'error')));
  } else {
    const d = desc.data;
    const name = d.ArtifactName || d.ActionName || d.ContextName || d.TrialComponentName || d.ExperimentName || d.TrialName;
    if (name) heading.textContent = d.DisplayName && d.DisplayName !== name ? `${d.DisplayName} (${name})` : name;
    const summary = Object.fromEntries(Object.entries(d).filter(([k]) => !OWN_SECTIONS.has(k)));
    parts.push(section('Description', value(summary)));
    if (d.Properties) parts.push(section('Properties', keyValueTable(d.Properties)));
    if (d.Parameters) parts.push(section('Parameters', keyValueTable(d.Parameters, paramValue)));
    if (d.InputArtifacts || d.OutputArtifacts)
      parts.push(section('Artifacts', value({ InputArtifacts: d.InputArtifacts, OutputArtifacts: d.OutputArtifacts })));
    if (d.Metrics) {
      const rows = d.Metrics.map((m) => [m.MetricName, m.Count, m.Min, m.Max, m.Avg, m.Last,
        link('Chart', () => ctx.chart(arn, m.MetricName), `Chart ${m.MetricName}`)]);
      parts.push(section('Metrics', rows.length ? table(['Metric', 'Count', 'Min', 'Max', 'Avg', 'Last', ''], rows) : note('None.')));
    }
  }
  parts.push(section('Tags', tags.ok ? keyValueTable(Object.fromEntries((tags.data.Tags || []).map((t) => [t.Key, t.Value]))) : note(tags.error, 'error')));
  const assoc = (res, end) => {
    if (!res.ok) return note(res.error, 'error');
    if (!res.items.length) return note('None.');
    return table(['Entity', 'Type', 'Association'], res.items.map((a) => [
      link(a[`${end}Name`] || nameOf(a[`${end}Arn`]), () => ctx.recentre(a[`${end}Arn`]), a[`${end}Arn`]),
      a[`${end}Type`] || '', a.AssociationType || '']));
  };
  parts.push(section('Upstream associations', h('div', { className: 'assoc-up' }, assoc(ups, 'Source'))));
  parts.push(section('Downstream associations', h('div', { className: 'assoc-down' }, assoc(downs, 'Destination'))));
  if (hist.ok) {
    const rows = (hist.data.history || []).map((x) => [x.at, x.operation, x.accessKeyId || '', x.requestId || '',
      h('details', {}, h('summary', { text: 'changes' }), value({ before: x.before, after: x.after }))]);
    parts.push(section('History', rows.length ? table(['At', 'Operation', 'Access key', 'Request', ''], rows) : note('No recorded changes.')));
  } else {
    parts.push(section('History', note(hist.unavailable ? 'History is not available on this server.' : hist.error, hist.unavailable ? 'unavailable' : 'error')));
  }
  body.removeAttribute('aria-busy');
  replace(body, parts);
}
