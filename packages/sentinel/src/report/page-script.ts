/**
 * The script of the report page, as text inlined into the HTML (ES2017, no imports, no network).
 * It draws a `ReportDocument` read from `#sentinel-report-data` with uPlot (inlined beside it) and
 * hand-drawn SVG for the breaker timelines; when `<body data-live-url>` is set it opens an
 * `EventSource` there and redraws from every `message` (one JSON document per event).
 *
 * It is assembled from three parts that share one function scope: `page-script-dom.ts` (helpers
 * and tables), `page-script-charts.ts` (charts and timelines) and the rendering and live updates
 * below. Written without backticks or dollar-brace so that it can live in this template literal.
 */
import { PAGE_SCRIPT_CHARTS } from './page-script-charts.ts';
import { PAGE_SCRIPT_DOM } from './page-script-dom.ts';

const PAGE_SCRIPT_RENDER = `  function figure(section, title, note, kind) {
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
`;

export const PAGE_SCRIPT = `(function () {
  'use strict';
${PAGE_SCRIPT_DOM}
${PAGE_SCRIPT_CHARTS}
${PAGE_SCRIPT_RENDER}
})();
`;
