/**
 * Part of the report page's script (see `page-script.ts`): the uPlot charts (time series with
 * marked windows, the latency percentile curve) and the hand-drawn SVG breaker timeline.
 * Plain ES2017 text, no backticks or dollar-brace; uses the helpers of `page-script-dom.ts`.
 */
export const PAGE_SCRIPT_CHARTS = String.raw`  // Shading for marked windows (behind the series) and labelled lines for events (on top).
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
          // A phase shorter than a few seconds has one or two points: draw them large enough to see.
          dash: s.dash, points: { show: xs.length < 3, size: 9 } };
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

`;
