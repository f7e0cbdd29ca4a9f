// The lineage view: the vertices and edges the native API returned, merged
// as stubs are expanded; a left-to-right layered layout (upstream left,
// downstream right); and its drawing in SVG with pan, zoom and fit.
import { s, replace } from './dom.js';

const W = 184; // vertex box
const H = 46;
const COL = 290; // layer to layer
const ROW = 70; // vertex to vertex within a layer
const STUB_W = 78;
const STUB_GAP = 46;

/** The graph on screen: vertices by ARN (with their layer), edges, and "N more" stubs. */
export class LineageGraph {
  constructor() {
    this.vertices = new Map();
    this.edges = new Map();
    this.stubs = new Map();
  }

  /** Adds a native API answer walked from `origin` (layer offset taken from it);
   * `direction` keeps only the stubs of an expansion's own direction. */
  merge(body, origin, direction) {
    const offset = origin ? this.vertices.get(origin)?.layer ?? 0 : 0;
    for (const v of body.vertices || []) {
      if (!this.vertices.has(v.arn)) this.vertices.set(v.arn, { ...v, layer: v.layer + offset });
    }
    for (const e of body.edges || []) this.edges.set(`${e.sourceArn} ${e.destinationArn}`, e);
    if (origin) this.stubs.delete(`${origin} ${direction}`);
    for (const t of body.truncated || []) {
      if (direction && t.direction !== direction) continue;
      this.stubs.set(`${t.arn} ${t.direction}`, t);
    }
  }

  /** Adds the vertices and edges of path answers next to `from`. */
  mergePaths(body) {
    for (const path of body.paths || []) {
      const base = this.vertices.get(path[0])?.layer ?? 0;
      path.forEach((arn, i) => {
        if (!this.vertices.has(arn)) this.vertices.set(arn, { ...body.vertices[arn], arn, layer: base + i });
      });
    }
    for (const e of body.edges || []) this.edges.set(`${e.sourceArn} ${e.destinationArn}`, e);
  }
}

/** Positions: each vertex's centre by ARN; layers ordered by the barycentre of
 * their neighbours in the previous layer, then the next, to cut crossings. */
export function layout(graph) {
  const layers = new Map();
  for (const v of graph.vertices.values()) {
    if (!layers.has(v.layer)) layers.set(v.layer, []);
    layers.get(v.layer).push(v);
  }
  const keys = [...layers.keys()].sort((a, b) => a - b);
  for (const k of keys)
    layers.get(k).sort((a, b) => a.lineageType.localeCompare(b.lineageType) || (a.name || a.arn).localeCompare(b.name || b.arn));
  const nbrs = new Map();
  for (const e of graph.edges.values()) {
    for (const [a, b] of [[e.sourceArn, e.destinationArn], [e.destinationArn, e.sourceArn]]) {
      if (!nbrs.has(a)) nbrs.set(a, []);
      nbrs.get(a).push(b);
    }
  }
  const index = new Map();
  const number = () => keys.forEach((k) => layers.get(k).forEach((v, i) => index.set(v.arn, i)));
  number();
  const sweep = (order, side) => {
    for (const k of order) {
      const bary = new Map();
      for (const v of layers.get(k)) {
        const near = (nbrs.get(v.arn) || []).filter((n) => graph.vertices.get(n)?.layer === k + side);
        bary.set(v.arn, near.length ? near.reduce((t, n) => t + index.get(n), 0) / near.length : index.get(v.arn));
      }
      layers.get(k).sort((a, b) => bary.get(a.arn) - bary.get(b.arn));
      layers.get(k).forEach((v, i) => index.set(v.arn, i));
    }
  };
  sweep(keys.slice(1), -1);
  sweep(keys.slice(0, -1).reverse(), 1);
  const pos = new Map();
  for (const k of keys) {
    const list = layers.get(k);
    list.forEach((v, i) => pos.set(v.arn, { x: k * COL, y: (i - (list.length - 1) / 2) * ROW }));
  }
  return pos;
}

function clip(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function shape(v) {
  const cls = 'shape';
  switch (v.lineageType) {
    case 'Action': {
      const a = 14;
      const pts = [[-W / 2 + a, -H / 2], [W / 2 - a, -H / 2], [W / 2, 0], [W / 2 - a, H / 2], [-W / 2 + a, H / 2], [-W / 2, 0]];
      return s('polygon', { className: cls, points: pts.map((p) => p.join(',')).join(' ') });
    }
    case 'Context':
      return s('rect', { className: cls, x: -W / 2, y: -H / 2, width: W, height: H, rx: H / 2 });
    case 'TrialComponent':
      return s('rect', { className: cls, x: -W / 2, y: -H / 2, width: W, height: H, rx: 2 });
    default:
      return s('rect', { className: cls, x: -W / 2, y: -H / 2, width: W, height: H, rx: 9 });
  }
}

/** Draws `graph` into `svg`. `opts`: centre (ARN), selected (ARN), path (Set of ARNs and of
 * "src dst" edge keys), onVertex(arn, event), onStub(arn, direction). Returns the viewport group. */
export function draw(svg, graph, pos, opts) {
  const defs = s('defs', {},
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', className: 'arrowhead' })),
    s('marker', { id: 'arrow-path', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', className: 'arrowhead on-path' })));
  const edges = s('g', { className: 'edges' });
  const labels = s('g', { className: 'edge-labels' });
  const nodes = s('g', { className: 'vertices' });
  const stubs = s('g', { className: 'stubs' });
  const path = opts.path || new Set();
  for (const [key, e] of graph.edges) {
    const a = pos.get(e.sourceArn);
    const b = pos.get(e.destinationArn);
    if (!a || !b) continue;
    const x1 = a.x + W / 2;
    const x2 = b.x - W / 2;
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    const on = path.has(key);
    edges.append(s('path', {
      className: on ? 'edge on-path' : 'edge',
      d: `M${x1},${a.y} C${x1 + dx},${a.y} ${x2 - dx},${b.y} ${x2},${b.y}`,
      'marker-end': on ? 'url(#arrow-path)' : 'url(#arrow)',
      'data-source': e.sourceArn,
      'data-destination': e.destinationArn,
    }));
    if (e.associationType)
      labels.append(s('text', { className: 'edge-label', x: (x1 + x2) / 2, y: (a.y + b.y) / 2 - 4, 'text-anchor': 'middle' }, e.associationType));
  }
  for (const v of graph.vertices.values()) {
    const p = pos.get(v.arn);
    const classes = ['vertex', `lt-${v.lineageType}`];
    if (v.arn === opts.centre) classes.push('centre');
    if (v.arn === opts.selected) classes.push('selected');
    if (path.has(v.arn)) classes.push('on-path');
    const label = v.name || v.arn.replace(/^.*\//, '');
    const g = s('g', {
      className: classes.join(' '),
      transform: `translate(${p.x},${p.y})`,
      tabindex: 0,
      role: 'button',
      'aria-label': `${v.lineageType} ${label} (${v.type || ''})`,
      'data-arn': v.arn,
      'data-layer': v.layer,
    },
    s('title', {}, `${label}\n${v.type || ''} · ${v.lineageType}\n${v.arn}`),
    shape(v),
    s('text', { className: 'name', y: -3, 'text-anchor': 'middle' }, clip(label, 24)),
    s('text', { className: 'type', y: 13, 'text-anchor': 'middle' }, clip(v.type && v.type !== v.lineageType ? `${v.type} · ${v.lineageType}` : v.lineageType, 30)));
    g.addEventListener('click', (ev) => opts.onVertex(v.arn, ev));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        opts.onVertex(v.arn, ev);
      }
    });
    nodes.append(g);
  }
  for (const t of graph.stubs.values()) {
    const p = pos.get(t.arn);
    if (!p || !t.unexplored) continue;
    const up = t.direction === 'up';
    const cx = up ? p.x - W / 2 - STUB_GAP - STUB_W / 2 : p.x + W / 2 + STUB_GAP + STUB_W / 2;
    const near = up ? p.x - W / 2 : p.x + W / 2;
    const far = up ? cx + STUB_W / 2 : cx - STUB_W / 2;
    edges.append(s('line', { className: 'stub-edge', x1: near, y1: p.y, x2: far, y2: p.y }));
    const text = `${t.unexplored} more`;
    const g = s('g', {
      className: 'stub',
      transform: `translate(${cx},${p.y})`,
      tabindex: 0,
      role: 'button',
      'aria-label': `Show ${t.unexplored} more ${up ? 'upstream' : 'downstream'}`,
      'data-arn': t.arn,
      'data-direction': t.direction,
    },
    s('title', {}, `Expand ${t.unexplored} more ${up ? 'upstream' : 'downstream'}`),
    s('rect', { x: -STUB_W / 2, y: -12, width: STUB_W, height: 24, rx: 12 }),
    s('text', { y: 4, 'text-anchor': 'middle' }, text));
    const go = (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      opts.onStub(t.arn, t.direction);
    };
    g.addEventListener('click', go);
    g.addEventListener('keydown', (ev) => (ev.key === 'Enter' || ev.key === ' ') && go(ev));
    stubs.append(g);
  }
  const viewport = s('g', { className: 'viewport' }, edges, labels, nodes, stubs);
  replace(svg, defs, viewport);
  return viewport;
}

/** Pan (drag, arrow keys), zoom (wheel, +/-) and fit (0) for an SVG and its viewport group. */
export class PanZoom {
  constructor(svg) {
    this.svg = svg;
    this.k = 1;
    this.tx = 0;
    this.ty = 0;
    this.viewport = null;
    let drag = null;
    svg.addEventListener('pointerdown', (ev) => {
      if (ev.target.closest('.vertex, .stub')) return;
      drag = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty };
      svg.setPointerCapture(ev.pointerId);
      svg.classList.add('dragging');
    });
    svg.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      this.tx = drag.tx + ev.clientX - drag.x;
      this.ty = drag.ty + ev.clientY - drag.y;
      this.apply();
    });
    const end = () => {
      drag = null;
      svg.classList.remove('dragging');
    };
    svg.addEventListener('pointerup', end);
    svg.addEventListener('pointercancel', end);
    svg.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      this.zoom(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });
    svg.addEventListener('keydown', (ev) => {
      const step = 60;
      const keys = {
        '+': () => this.zoom(1.2), '=': () => this.zoom(1.2), '-': () => this.zoom(1 / 1.2), '0': () => this.fit(),
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0),
        ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
      };
      if (keys[ev.key] && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        keys[ev.key]();
      }
    });
  }

  attach(viewport) {
    this.viewport = viewport;
    this.apply();
  }

  apply() {
    if (this.viewport) this.viewport.setAttribute('transform', `translate(${this.tx},${this.ty}) scale(${this.k})`);
  }

  pan(dx, dy) {
    this.tx += dx;
    this.ty += dy;
    this.apply();
  }

  /** Zooms by `f` about (cx, cy) in SVG pixels (the middle by default). */
  zoom(f, cx, cy) {
    const r = this.svg.getBoundingClientRect();
    cx ??= r.width / 2;
    cy ??= r.height / 2;
    const k = Math.min(4, Math.max(0.1, this.k * f));
    this.tx = cx - ((cx - this.tx) * k) / this.k;
    this.ty = cy - ((cy - this.ty) * k) / this.k;
    this.k = k;
    this.apply();
  }

  /** The whole drawing in view, at most at natural size. */
  fit() {
    if (!this.viewport) return;
    const r = this.svg.getBoundingClientRect();
    const b = this.viewport.getBBox();
    if (!b.width || !r.width) return;
    const m = 30;
    this.k = Math.min(1.2, (r.width - 2 * m) / b.width, (r.height - 2 * m) / b.height);
    this.tx = (r.width - b.width * this.k) / 2 - b.x * this.k;
    this.ty = (r.height - b.height * this.k) / 2 - b.y * this.k;
    this.apply();
  }
}
