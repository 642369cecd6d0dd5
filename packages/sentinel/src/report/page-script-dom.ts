/**
 * Part of the report page's script (see `page-script.ts`): the colour palette, DOM and SVG
 * builders, number formatting and the tables. Plain ES2017 text, no backticks or dollar-brace.
 */
export const PAGE_SCRIPT_DOM = `
  // Okabe–Ito: distinguishable with every common colour-vision deficiency.
  var C = { blue: '#0072B2', orange: '#E69F00', sky: '#56B4E9', green: '#009E73', yellow: '#F0E442',
    vermillion: '#D55E00', purple: '#CC79A7', black: '#000000', grey: '#7a7a7a' };
  var SERIES_COLORS = [C.blue, C.orange, C.green, C.purple, C.sky, C.vermillion, C.yellow, C.black];
  var STATE_COLORS = { open: C.vermillion, 'half-open': C.orange, closed: C.green };
  var charts = [];
  var phaseKeys = [];
  var current = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k];
      else if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    return node;
  }
  function num(n, digits) {
    if (typeof n !== 'number' || !isFinite(n)) return '–';
    return n.toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 0 : digits,
      minimumFractionDigits: digits === undefined ? 0 : Math.min(digits, 1) });
  }
  function ms(n) {
    if (typeof n !== 'number' || !isFinite(n)) return '–';
    if (n >= 10000) return num(n / 1000, 1) + ' s';
    if (n >= 100) return num(n, 0) + ' ms';
    if (n >= 1) return num(n, 1) + ' ms';
    return num(n, 3) + ' ms';
  }
  function pct(x) { return (typeof x === 'number' && isFinite(x)) ? (x * 100).toFixed(x === 1 ? 0 : 2) + ' %' : '–'; }

  function statTable(rows) {
    var body = el('tbody', null, rows.map(function (r) {
      return el('tr', null, [el('th', { scope: 'row', text: r[0] }), el('td', { text: r[1], 'data-stat': r[2] })]);
    }));
    return el('table', { class: 'stats' }, [body]);
  }
  function countTable(title, counts, keyName) {
    var keys = Object.keys(counts || {}).sort(function (a, b) { return counts[b] - counts[a]; });
    if (keys.length === 0) return null;
    var rows = keys.map(function (k) {
      return el('tr', null, [el('td', { text: k }), el('td', { class: 'n', text: num(counts[k]) })]);
    });
    return el('table', { class: 'counts' }, [
      el('caption', { text: title }),
      el('thead', null, [el('tr', null, [el('th', { text: keyName }), el('th', { class: 'n', text: 'count' })])]),
      el('tbody', null, rows)]);
  }
  function latencyTable(lat) {
    var names = [['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max'], ['mean', 'mean']];
    return el('table', { class: 'latency' }, [
      el('caption', { text: 'Latency' }),
      el('thead', null, [el('tr', null, names.map(function (n) { return el('th', { text: n[1] }); }))]),
      el('tbody', null, [el('tr', null, names.map(function (n) {
        return el('td', { text: ms(lat[n[0]]), 'data-stat': 'latency-' + n[0] });
      }))])]);
  }

  function phaseSpan(phase) {
    var end = (phase.summary && phase.summary.elapsedMs || 0) / 1000;
    (phase.timeline || []).forEach(function (p) { end = Math.max(end, p.t); });
    (phase.breakers || []).forEach(function (b) { b.intervals.forEach(function (i) { end = Math.max(end, i.to); }); });
    (phase.windows || []).forEach(function (w) { end = Math.max(end, w.to); });
    return end > 0 ? end : 1;
  }

`;
