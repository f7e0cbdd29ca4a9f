// A line chart in SVG of one metric series (x: iteration or time, y: value).
import { s } from './dom.js';

function ticks(lo, hi, n) {
  if (lo === hi) return [lo];
  const step = (hi - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) => lo + i * step);
}

function fmt(v) {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : String(+v.toFixed(3));
}

/** An <svg> with the series (xs, ys of equal length), titled `title`. */
export function lineChart(xs, ys, title, xLabel) {
  const w = 620;
  const ht = 280;
  const m = { l: 62, r: 16, t: 28, b: 42 };
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const X = (x) => m.l + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (w - m.l - m.r);
  const Y = (y) => ht - m.b - ((y - y0) / (y1 - y0)) * (ht - m.t - m.b);
  const svg = s('svg', { className: 'chart', viewBox: `0 0 ${w} ${ht}`, role: 'img', 'aria-label': title },
    s('title', {}, title),
    s('text', { className: 'chart-title', x: m.l, y: 18 }, title),
    s('line', { className: 'axis', x1: m.l, y1: ht - m.b, x2: w - m.r, y2: ht - m.b }),
    s('line', { className: 'axis', x1: m.l, y1: m.t, x2: m.l, y2: ht - m.b }),
    s('text', { className: 'axis-label', x: (w + m.l) / 2, y: ht - 6, 'text-anchor': 'middle' }, xLabel));
  for (const t of ticks(y0, y1, 5)) {
    svg.append(s('line', { className: 'grid', x1: m.l, y1: Y(t), x2: w - m.r, y2: Y(t) }),
      s('text', { className: 'tick', x: m.l - 6, y: Y(t) + 4, 'text-anchor': 'end' }, fmt(t)));
  }
  const whole = xs.every(Number.isInteger); // iterations: whole ticks only
  for (const t of new Set(ticks(x0, x1, Math.min(6, xs.length)).map((v) => (whole ? Math.round(v) : v)))) {
    svg.append(s('text', { className: 'tick', x: X(t), y: ht - m.b + 16, 'text-anchor': 'middle' }, fmt(t)));
  }
  svg.append(s('polyline', { className: 'series', points: xs.map((x, i) => `${X(x)},${Y(ys[i])}`).join(' ') }));
  xs.forEach((x, i) => svg.append(s('circle', { className: 'point', cx: X(x), cy: Y(ys[i]), r: 3 }, s('title', {}, `${xLabel} ${x}: ${ys[i]}`))));
  return svg;
}
