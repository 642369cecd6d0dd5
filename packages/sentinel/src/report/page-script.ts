/**
 * The script of the report page, as text inlined into the HTML (ES2017, no imports, no network).
 * It draws a `ReportDocument` read from `#sentinel-report-data` with uPlot (inlined beside it) and
 * hand-drawn SVG for the breaker timelines; when `<body data-live-url>` is set it opens an
 * `EventSource` there and redraws from every `message` (one JSON document per event).
 *
 * Written without backticks or dollar-brace so that it can live in this template literal.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
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

  // Shading for marked windows (behind the series) and labelled lines for events (on top).
  function marksPlugin(phase) {
    var windows = phase.windows || [];
    var events = phase.events || [];
    return { hooks: {
      drawClear: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
        ctx.save();
        windows.forEach(function (w) {
          var x0 = u.valToPos(w.from, 'x', true), x1 = u.valToPos(w.to, 'x', true);
          ctx.fillStyle = 'rgba(213, 94, 0, 0.12)';
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
        });
        ctx.restore();
      }],
      draw: [function (u) {
        var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, dpr = window.devicePixelRatio || 1;
        ctx.save();
        ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        ctx.textAlign = 'left';
        windows.forEach(function (w) {
          ctx.fillStyle = C.vermillion;
          ctx.fillText(w.label, u.valToPos(w.from, 'x', true) + 3 * dpr, top + 2 * dpr);
        });
        events.forEach(function (e, i) {
          var x = u.valToPos(e.t, 'x', true);
          ctx.strokeStyle = C.purple;
          ctx.setLineDash([4 * dpr, 3 * dpr]);
          ctx.lineWidth = dpr;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
          ctx.fillStyle = C.purple;
          ctx.fillText(e.label, x + 3 * dpr, top + (14 + 12 * (i % 3)) * dpr);
        });
        ctx.restore();
      }]
    } };
  }

  function chartWidth(container) { return Math.max(320, (container.clientWidth || 800) - 8); }

  function timeChart(container, phase, spec) {
    var xs = spec.xs;
    var data = [xs].concat(spec.series.map(function (s) { return s.values; }));
    var opts = {
      width: chartWidth(container), height: 220,
      scales: { x: { time: false, range: [0, phaseSpan(phase)] } },
      axes: [
        { label: 'time since phase start (s)', stroke: '#333', grid: { stroke: '#eee' } },
        { label: spec.unit, stroke: '#333', grid: { stroke: '#eee' }, size: 64 }
      ],
      series: [{ label: 't (s)' }].concat(spec.series.map(function (s, i) {
        return { label: s.label, stroke: s.color || SERIES_COLORS[i % SERIES_COLORS.length], width: 2,
          dash: s.dash, points: { show: xs.length < 3 } };
      })),
      plugins: [marksPlugin(phase)],
      legend: { live: true }
    };
    return new uPlot(opts, data, container);
  }

  // x = -log10(1 - q): 50 % → 0.3, 90 % → 1, 99 % → 2, 99.9 % → 3; the max sits one step past the last.
  function latencyChart(container, phase) {
    var curve = phase.latencyCurve;
    if (!curve || curve.length === 0) {
      var l = phase.summary.latencyMs;
      curve = [{ percentile: 50, ms: l.p50 }, { percentile: 90, ms: l.p90 }, { percentile: 99, ms: l.p99 },
        { percentile: 99.9, ms: l.p999 }, { percentile: 100, ms: l.max }];
    }
    curve = curve.slice().sort(function (a, b) { return a.percentile - b.percentile; });
    var finite = curve.filter(function (p) { return p.percentile < 100; });
    var lastX = finite.length ? -Math.log10(1 - finite[finite.length - 1].percentile / 100) : 0;
    var maxX = Math.max(Math.ceil(lastX) + 0.5, 1);
    var xs = [], ys = [];
    curve.forEach(function (p) {
      xs.push(p.percentile >= 100 ? maxX : -Math.log10(1 - p.percentile / 100));
      ys.push(p.ms);
    });
    // Ticks at the "nines" (p50, p90, p99, p99.9 …) up to the data, and at the max.
    var ticks = [[Math.log10(2), 'p50'], [1, 'p90'], [2, 'p99'], [3, 'p99.9'], [4, 'p99.99'], [5, 'p99.999']]
      .filter(function (t) { return t[0] <= lastX + 1e-9 && t[0] >= Math.min.apply(null, xs) - 1e-9; });
    ticks.push([maxX, 'max']);
    var labels = {};
    ticks.forEach(function (t) { labels[t[0].toFixed(4)] = t[1]; });
    var nameOf = function (x) {
      if (x === maxX) return 'max';
      var q = 100 * (1 - Math.pow(10, -x));
      return 'p' + (q >= 99.9 ? q.toFixed(3) : q >= 99 ? q.toFixed(2) : q.toFixed(1)).replace(/\.?0+$/, '');
    };
    var opts = {
      width: chartWidth(container), height: 220,
      scales: { x: { time: false, range: [Math.min.apply(null, xs) - 0.1, maxX + 0.2] } },
      axes: [
        { label: 'percentile (log scale of 1 / (1 − q))', stroke: '#333', grid: { stroke: '#eee' },
          splits: function () { return ticks.map(function (t) { return t[0]; }); },
          values: function (u, splits) { return splits.map(function (s) { return labels[s.toFixed(4)] || ''; }); } },
        { label: 'latency (ms)', stroke: '#333', grid: { stroke: '#eee' }, size: 64 }
      ],
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '–' : nameOf(v); } },
        { label: 'latency (ms)', stroke: C.blue, width: 2, fill: 'rgba(0, 114, 178, 0.08)',
          points: { show: xs.length <= 12, size: 7, fill: C.blue },
          value: function (u, v) { return v == null ? '–' : ms(v); } }],
      legend: { live: true }
    };
    return new uPlot(opts, [xs, ys], container);
  }

  function niceStep(span) {
    var raw = span / 8, pow = Math.pow(10, Math.floor(Math.log10(raw))), n = raw / pow;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * pow;
  }

  function breakerTimeline(container, phase) {
    var tracks = phase.breakers, span = phaseSpan(phase);
    var width = chartWidth(container), labelW = 150, right = 12, axisH = 34;
    var rowH = Math.max(4, Math.min(18, Math.floor(360 / tracks.length)));
    var plotW = width - labelW - right, height = tracks.length * rowH + axisH + 4;
    var x = function (t) { return labelW + (Math.max(0, Math.min(span, t)) / span) * plotW; };
    var root = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height,
      role: 'img', 'aria-label': 'breaker state over time', class: 'breakers' });
    root.appendChild(svg('rect', { x: labelW, y: 0, width: plotW, height: tracks.length * rowH,
      fill: '#e8f4ef', 'data-kind': 'background' }));
    (phase.windows || []).forEach(function (w) {
      var r = svg('rect', { x: x(w.from), y: 0, width: Math.max(1, x(w.to) - x(w.from)), height: tracks.length * rowH,
        fill: 'rgba(213, 94, 0, 0.12)', 'data-kind': 'window' });
      var t = svg('title', {}); t.textContent = w.label + ': ' + num(w.from, 1) + '–' + num(w.to, 1) + ' s';
      r.appendChild(t); root.appendChild(r);
    });
    tracks.forEach(function (track, row) {
      var y = row * rowH;
      if (rowH >= 12) {
        var label = svg('text', { x: labelW - 6, y: y + rowH - 5, 'text-anchor': 'end', 'font-size': 11 });
        label.textContent = track.name.length > 24 ? track.name.slice(0, 23) + '…' : track.name;
        root.appendChild(label);
      }
      track.intervals.forEach(function (iv) {
        if (iv.state === 'closed') return;
        var r = svg('rect', { x: x(iv.from), y: y + 1, width: Math.max(1.5, x(iv.to) - x(iv.from)),
          height: Math.max(2, rowH - 2), fill: STATE_COLORS[iv.state], 'data-state': iv.state });
        var t = svg('title', {});
        t.textContent = track.name + ': ' + iv.state + ' ' + num(iv.from, 2) + '–' + num(iv.to, 2) + ' s';
        r.appendChild(t); root.appendChild(r);
      });
    });
    var axisY = tracks.length * rowH;
    root.appendChild(svg('line', { x1: labelW, x2: labelW + plotW, y1: axisY, y2: axisY, stroke: '#333' }));
    var step = niceStep(span);
    for (var s = 0; s <= span + 1e-9; s += step) {
      root.appendChild(svg('line', { x1: x(s), x2: x(s), y1: axisY, y2: axisY + 4, stroke: '#333' }));
      var tick = svg('text', { x: x(s), y: axisY + 15, 'text-anchor': 'middle', 'font-size': 11 });
      tick.textContent = num(s, step < 1 ? 1 : 0);
      root.appendChild(tick);
    }
    var axisLabel = svg('text', { x: labelW + plotW / 2, y: axisY + 30, 'text-anchor': 'middle', 'font-size': 12 });
    axisLabel.textContent = 'time since phase start (s)';
    root.appendChild(axisLabel);
    container.appendChild(root);
    var legend = el('p', { class: 'legend' }, ['closed', 'half-open', 'open'].map(function (state) {
      return el('span', null, [el('i', { style: 'background:' + (state === 'closed' ? '#e8f4ef' : STATE_COLORS[state]) }),
        document.createTextNode(state)]);
    }));
    container.appendChild(legend);
  }

  function figure(section, title, note, kind) {
    var box = el('div', { class: 'chart', 'data-chart': kind });
    section.appendChild(el('figure', null, [el('figcaption', null, [el('strong', { text: title }),
      note ? document.createTextNode(' — ' + note) : null]), box]));
    return box;
  }

  function renderPhase(phase, index) {
    var s = phase.summary;
    var section = el('section', { class: 'phase', id: 'phase-' + index, 'data-phase': phase.name });
    section.appendChild(el('h2', { text: phase.name }));
    if (phase.description) section.appendChild(el('p', { class: 'description', text: phase.description }));
    var rows = [
      ['requests', num(s.requests), 'requests'],
      ['succeeded', num(s.succeeded) + ' (' + pct(s.successRate) + ')', 'succeeded'],
      ['failed', num(s.failed), 'failed'],
      ['throughput', num(s.throughput, 1) + ' req/s', 'throughput'],
      ['elapsed', ms(s.elapsedMs), 'elapsed']
    ];
    if (s.attempts !== undefined) rows.push(['attempts', num(s.attempts), 'attempts']);
    if (s.retries !== undefined) rows.push(['retries', num(s.retries), 'retries']);
    section.appendChild(el('div', { class: 'tables' }, [statTable(rows), latencyTable(s.latencyMs),
      countTable('Statuses', s.statuses, 'status'), countTable('Errors', s.errors, 'code')]));
    var grid = el('div', { class: 'grid' });
    section.appendChild(grid);
    return { section: section, grid: grid };
  }

  function drawPhaseCharts(phase, grid) {
    // Every figure goes into the grid first, so each chart is sized to its final column.
    var later = [];
    var tl = phase.timeline || [];
    if (tl.length > 0) {
      var xs = tl.map(function (p) { return p.t; });
      var box1 = figure(grid, 'Throughput', 'completed requests per second', 'throughput');
      later.push(function () { return timeChart(box1, phase, {
        xs: xs, unit: 'requests / s', series: [
          { label: 'all / s', values: tl.map(function (p) { return p.requests; }), color: C.blue },
          { label: 'ok / s', values: tl.map(function (p) { return p.ok; }), color: C.green, dash: [6, 3] }] }); });
      var errSeries = [{ label: 'failed / s', values: tl.map(function (p) { return p.failed; }), color: C.vermillion }];
      if (tl.some(function (p) { return p.retries !== undefined; })) {
        errSeries.push({ label: 'retries / s', values: tl.map(function (p) { return p.retries === undefined ? null : p.retries; }), color: C.orange, dash: [6, 3] });
      }
      var box2 = figure(grid, 'Errors and retries', 'failed requests and extra attempts per second', 'errors');
      later.push(function () { return timeChart(box2, phase, { xs: xs, unit: 'per second', series: errSeries }); });
      if (tl.some(function (p) { return p.p99 !== undefined; })) {
        var box3 = figure(grid, 'Latency over time', 'p99 of the requests completed in each second', 'latency-time');
        later.push(function () { return timeChart(box3, phase, { xs: xs, unit: 'p99 latency (ms)',
          series: [{ label: 'p99 (ms)', values: tl.map(function (p) { return p.p99 === undefined ? null : p.p99; }), color: C.purple }] }); });
      }
    }
    var box4 = figure(grid, 'Latency distribution', 'p50 · p90 · p99 · p99.9 · max (HDR histogram)', 'latency');
    later.push(function () { return latencyChart(box4, phase); });
    var byUnit = {};
    (phase.series || []).forEach(function (s) { (byUnit[s.unit] = byUnit[s.unit] || []).push(s); });
    Object.keys(byUnit).forEach(function (unit) {
      var group = byUnit[unit];
      var times = {};
      group.forEach(function (s) { s.points.forEach(function (p) { times[p[0]] = true; }); });
      var xs2 = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
      var series = group.map(function (s) {
        var at = {}; s.points.forEach(function (p) { at[p[0]] = p[1]; });
        return { label: s.name, values: xs2.map(function (t) { return at[t] === undefined ? null : at[t]; }) };
      });
      var box = figure(grid, group.map(function (s) { return s.name; }).join(', '), unit, 'series');
      later.push(function () { return timeChart(box, phase, { xs: xs2, unit: unit, series: series }); });
    });
    if (phase.breakers && phase.breakers.length > 0) {
      var box5 = figure(grid, 'Breaker states', phase.breakers.length + ' breaker(s), one row each', 'breakers');
      later.push(function () { breakerTimeline(box5, phase); return null; });
    }
    later.forEach(function (draw) { var chart = draw(); if (chart) charts.push(chart); });
  }

  function renderGuarantees(list) {
    var box = document.getElementById('guarantees');
    box.textContent = '';
    if (!list || list.length === 0) return;
    box.appendChild(el('h2', { text: 'Guarantees' }));
    box.appendChild(el('table', { class: 'guarantees' }, [el('tbody', null, list.map(function (g) {
      return el('tr', { class: g.ok ? 'ok' : 'fail' }, [
        el('td', { class: 'verdict', text: g.ok ? '✓ held' : '✗ BROKEN' }),
        el('td', { text: g.name }), el('td', { class: 'detail', text: g.detail || '' })]);
    }))]));
  }

  function render(doc) {
    current = doc;
    document.title = doc.title;
    document.getElementById('title').textContent = doc.title;
    document.getElementById('subtitle').textContent = doc.subtitle || '';
    var status = document.getElementById('run-status');
    status.textContent = doc.status === 'running' ? 'running' : doc.status === 'interrupted' ? 'interrupted' : '';
    status.className = 'badge ' + (doc.status || 'finished');
    document.getElementById('generated').textContent = doc.generatedAt ? 'Generated ' + doc.generatedAt + ' · ' : '';
    var main = document.getElementById('phases');
    // Redraw only the phases whose data changed: a live dashboard sends the whole document each time.
    doc.phases.forEach(function (phase, i) {
      var key = JSON.stringify(phase);
      if (phaseKeys[i] === key) return;
      phaseKeys[i] = key;
      charts.forEach(function (c) { if (c.__phase === i) c.destroy(); });
      charts = charts.filter(function (c) { return c.__phase !== i; });
      var before = charts.length;
      var built = renderPhase(phase, i);
      var old = document.getElementById('phase-' + i);
      if (old) main.replaceChild(built.section, old); else main.appendChild(built.section);
      drawPhaseCharts(phase, built.grid);
      for (var k = before; k < charts.length; k++) charts[k].__phase = i;
    });
    while (phaseKeys.length > doc.phases.length) {
      var gone = document.getElementById('phase-' + (phaseKeys.length - 1));
      if (gone) gone.remove();
      charts = charts.filter(function (c) { if (c.__phase === phaseKeys.length - 1) { c.destroy(); return false; } return true; });
      phaseKeys.pop();
    }
    renderGuarantees(doc.guarantees);
    document.body.setAttribute('data-rendered', String(Number(document.body.getAttribute('data-rendered') || 0) + 1));
  }

  function resize() {
    charts.forEach(function (c) {
      var box = c.root.parentNode;
      if (box) c.setSize({ width: chartWidth(box), height: 220 });
    });
  }

  function connect(url) {
    var badge = document.getElementById('live');
    badge.hidden = false;
    var source = new EventSource(url);
    source.onopen = function () { badge.textContent = '● live'; badge.className = 'badge live'; };
    source.onerror = function () { badge.textContent = '○ reconnecting…'; badge.className = 'badge offline'; };
    source.onmessage = function (event) {
      try { render(JSON.parse(event.data)); } catch (e) { console.warn('sentinel report: bad update', e); }
    };
    return source;
  }

  window.SentinelReport = { render: render, document: function () { return current; } };
  render(JSON.parse(document.getElementById('sentinel-report-data').textContent));
  var timer = null;
  window.addEventListener('resize', function () { clearTimeout(timer); timer = setTimeout(resize, 100); });
  var liveUrl = document.body.getAttribute('data-live-url');
  if (liveUrl) window.SentinelReport.source = connect(liveUrl);
})();
`;
