/**
 * The browser side of the HTML report and of `logsleuth serve`'s dashboard: one small script,
 * inlined into both pages (no CDN, no library: charts are SVG drawn here). Everything is built with
 * DOM calls and `textContent`, never innerHTML, so log content cannot inject markup.
 *
 *   LS.report(data)      renders a report from the data embedded in the page (works offline, file://)
 *   LS.dashboard(base)   renders runs → a run's anomalies → one anomaly from the results API at `base`
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var TYPES = ['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'];
  var COLORS = { DURATION_SPIKE: '#d97706', TEMPLATE_OUTLIER: '#7c3aed', NEW_TEMPLATE: '#2563eb', ERROR_BURST: '#dc2626', SESSION_OUTLIER: '#0d9488' };

  function el(tag, attrs) {
    var node = document.createElement(tag);
    for (var k in (attrs || {})) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'onclick') node.addEventListener('click', attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in (attrs || {})) if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }
  function time(ms) { return ms === undefined || ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'); }
  function num(n) { return n === undefined || n === null ? '-' : Number(n).toLocaleString('en'); }
  function short(s, n) { s = String(s === undefined || s === null ? '' : s); return s.length > n ? s.slice(0, n - 1) + '…' : s; }
  function badge(type) { return el('span', { class: 'badge', style: 'background:' + (COLORS[type] || '#555'), text: type }); }
  function counts(byType) {
    var parts = TYPES.filter(function (t) { return byType && byType[t] > 0; });
    return parts.length ? parts.map(function (t) { return el('span', { class: 'count' }, badge(t), ' ' + byType[t]); }) : 'none';
  }

  function runTable(runs, link) {
    return el('table', { class: 'runs' },
      el('thead', {}, el('tr', {}, ['run', 'source', 'status', 'started', 'input', 'records', 'anomalies'].map(function (h) { return el('th', { text: h }); }))),
      el('tbody', {}, runs.map(function (r) {
        return el('tr', { 'data-testid': 'run-row', 'data-run': r.runId },
          el('td', {}, link ? el('a', { href: link(r), text: r.runId }) : r.runId),
          el('td', { text: r.source }), el('td', {}, el('span', { class: 'status ' + String(r.status).toLowerCase(), text: r.status })),
          el('td', { text: time(r.startedAt) }), el('td', { class: 'mono', title: r.input && r.input.key, text: short(r.input ? r.input.key : '', 50) }),
          el('td', { class: 'num', text: r.counts ? num(r.counts.records) : '-' }),
          el('td', {}, r.counts ? counts(r.counts.byType) : (r.reason ? el('span', { class: 'reason', text: short(r.reason, 80) }) : '-')));
      })));
  }

  function anomalyTable(anomalies, link) {
    return el('table', { class: 'anomalies' },
      el('thead', {}, el('tr', {}, ['#', 'score', 'type', 'where', 'session', 'count', 'template'].map(function (h) { return el('th', { text: h }); }))),
      el('tbody', {}, anomalies.map(function (a, i) {
        return el('tr', { 'data-testid': 'anomaly-row', 'data-anomaly': a.id },
          el('td', { class: 'num', text: i + 1 }), el('td', { class: 'num', text: a.score.toFixed(2) }), el('td', {}, badge(a.type)),
          el('td', { class: 'mono', text: a.line === null ? '-' : a.source + ':' + a.line }),
          el('td', { class: 'mono', text: short(a.sessionId || '-', 24) }), el('td', { class: 'num', text: a.count }),
          el('td', { class: 'mono' }, el('a', { href: link(a), text: short(a.template || '(session)', 90) })));
      })));
  }

  /** Anomalies over time: stacked bars per type. */
  function timelineChart(tl) {
    if (!tl || !tl.buckets.length) return el('p', { class: 'muted', text: 'The anomalies carry no timestamps.' });
    var W = 720, H = 160, pad = 28, n = tl.buckets.length, bw = (W - pad) / n;
    var max = Math.max.apply(null, tl.buckets.map(function (b) { return TYPES.reduce(function (s, t) { return s + (b[t] || 0); }, 0); }).concat([1]));
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + (H + 20), class: 'chart', 'data-testid': 'timeline', role: 'img' });
    chart.appendChild(svg('text', { x: 0, y: 10, class: 'axis', text: String(max) }));
    tl.buckets.forEach(function (b, i) {
      var y = H;
      TYPES.forEach(function (t) {
        if (!b[t]) return;
        var h = (b[t] / max) * (H - 14);
        y -= h;
        chart.appendChild(svg('rect', { x: pad + i * bw + 1, y: y, width: Math.max(bw - 2, 1), height: h, fill: COLORS[t] }, svg('title', { text: t + ': ' + b[t] + ' from ' + time(tl.from + i * tl.bucketMs) })));
      });
    });
    chart.appendChild(svg('line', { x1: pad, y1: H, x2: W, y2: H, stroke: '#999' }));
    chart.appendChild(svg('text', { x: pad, y: H + 14, class: 'axis', text: time(tl.from) }));
    chart.appendChild(svg('text', { x: W, y: H + 14, class: 'axis', 'text-anchor': 'end', text: time(tl.from + n * tl.bucketMs) }));
    return el('div', {}, chart, el('div', { class: 'legend' }, TYPES.map(function (t) { return el('span', {}, el('i', { style: 'background:' + COLORS[t] }), t); })));
  }

  /** Template frequencies: horizontal bars (log scale), anomalous templates in red, new ones in blue. */
  function templateChart(templates, flagged) {
    if (!templates || !templates.length) return el('p', { class: 'muted', text: 'No template counts.' });
    var rowH = 18, W = 720, labelW = 430, H = templates.length * rowH + 4;
    var max = Math.log1p(Math.max.apply(null, templates.map(function (t) { return t.count; })));
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart', 'data-testid': 'templates', role: 'img' });
    templates.forEach(function (t, i) {
      var y = i * rowH + 2, w = Math.max(2, (Math.log1p(t.count) / max) * (W - labelW - 60));
      var color = flagged[t.templateId] ? '#dc2626' : t.isNew ? '#2563eb' : '#94a3b8';
      chart.appendChild(svg('text', { x: labelW - 6, y: y + 12, 'text-anchor': 'end', class: 'label', text: short(t.template, 68) }, svg('title', { text: t.template })));
      chart.appendChild(svg('rect', { x: labelW, y: y + 2, width: w, height: rowH - 5, fill: color }));
      chart.appendChild(svg('text', { x: labelW + w + 4, y: y + 12, class: 'label', text: num(t.count) }));
    });
    return el('div', {}, chart, el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#dc2626' }), 'has an anomaly'), el('span', {}, el('i', { style: 'background:#2563eb' }), 'new template'), el('span', {}, el('i', { style: 'background:#94a3b8' }), 'known')));
  }

  /**
   * The session as a waterfall: one row per record, placed at its time since the session start,
   * as long as its duration; anomalous records in red with a marker. Without timestamps, rows follow
   * the records' order.
   */
  function waterfall(logs) {
    if (!logs || !logs.length) return el('p', { class: 'muted', text: 'No records stored for this context.' });
    var timed = logs.filter(function (l) { return typeof l.timestamp === 'number'; });
    var t0 = timed.length ? Math.min.apply(null, timed.map(function (l) { return l.timestamp; })) : 0;
    var t1 = timed.length ? Math.max.apply(null, timed.map(function (l) { return l.timestamp + (l.durationMs || 0); })) : 0;
    var span = Math.max(t1 - t0, 1), rowH = 20, labelW = 460, W = 1060, plotW = W - labelW - 80;
    var shown = logs.slice(0, 200), H = shown.length * rowH + 24;
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart waterfall', 'data-testid': 'waterfall', role: 'img' });
    chart.appendChild(svg('text', { x: labelW, y: 12, class: 'axis', text: timed.length ? '0 ms' : 'record order' }));
    if (timed.length) chart.appendChild(svg('text', { x: labelW + plotW, y: 12, class: 'axis', 'text-anchor': 'end', text: '+' + num(span) + ' ms' }));
    shown.forEach(function (l, i) {
      var y = 18 + i * rowH;
      var x = timed.length && typeof l.timestamp === 'number' ? labelW + ((l.timestamp - t0) / span) * plotW : labelW + (i / shown.length) * plotW;
      var w = Math.max(3, timed.length ? ((l.durationMs || 0) / span) * plotW : plotW / shown.length);
      var bad = l.anomalous, trouble = l.level === 'ERROR' || l.level === 'FATAL' || l.level === 'WARN';
      var g = svg('g', { class: bad ? 'row anomalous' : 'row', 'data-line': l.line });
      if (bad) g.appendChild(svg('rect', { x: 0, y: y - 2, width: W, height: rowH, class: 'hl' }));
      g.appendChild(svg('text', { x: 4, y: y + 12, class: 'label mono', text: (bad ? '▶ ' : '  ') + String(l.line).padStart(6) + ' ' + (l.level || '').padEnd(5) + ' ' + short(l.service || '', 14) }));
      g.appendChild(svg('text', { x: 200, y: y + 12, class: 'label', text: short(l.message, 34) }, svg('title', { text: l.message })));
      g.appendChild(svg('rect', { x: Math.min(x, labelW + plotW - 3), y: y + 2, width: Math.min(w, labelW + plotW - x + 3), height: rowH - 6, rx: 2, fill: bad ? '#dc2626' : trouble ? '#f59e0b' : '#64748b' }));
      if (l.durationMs !== undefined) g.appendChild(svg('text', { x: Math.min(x + w + 4, W - 70), y: y + 12, class: 'label', text: num(l.durationMs) + ' ms' }));
      chart.appendChild(g);
    });
    var wrap = el('div', { class: 'scroll' }, chart);
    return logs.length > shown.length ? el('div', {}, wrap, el('p', { class: 'muted', text: 'first ' + shown.length + ' of ' + logs.length + ' records' })) : wrap;
  }

  function explanation(a) {
    var e = a.explanation;
    if (!e) {
      return el('div', { class: 'explanation missing', 'data-testid': 'explanation' },
        a.explainStatus === 'EXPLAIN_FAILED' ? 'Explaining failed: ' + (a.explainReason || 'no reason given') : 'Not explained yet.');
    }
    return el('div', { class: 'explanation', 'data-testid': 'explanation' },
      el('p', { class: 'summary', text: e.summary }),
      el('p', {}, el('b', { text: 'Root cause: ' }), e.rootCause),
      e.causalChain && e.causalChain.length ? el('ol', { class: 'chain' }, e.causalChain.map(function (s) { return el('li', { class: 'mono', text: s }); })) : null,
      el('p', {}, el('b', { text: 'Next step: ' }), e.nextStep),
      el('p', { class: 'muted', text: 'method ' + e.method + (e.model ? ' (' + e.model + ')' : '') + ', confidence ' + Number(e.confidence).toFixed(2) + (e.evidenceLines && e.evidenceLines.length ? ', evidence lines ' + e.evidenceLines.join(', ') : '') }));
  }

  function sessionSummary(a, session) {
    var c = a.context, m = (session && session.metrics) || c.metrics;
    var what = c.contextType === 'FULL_SESSION' ? 'Session ' + (c.sessionId || a.sessionId) : c.contextType === 'WINDOW' ? 'No session id: the records around it' : 'No context';
    var parts = [what];
    if (c.contextType === 'FULL_SESSION') parts.push(num(c.totalLogsInSession) + ' records' + (c.truncated ? ' (showing ' + c.logs.length + ')' : ''));
    if (m) parts.push(num(m.errors) + ' errors', m.durationMs !== undefined ? num(m.durationMs) + ' ms' : null, m.distinctTemplates + ' templates');
    if (session && session.anomalyIds && session.anomalyIds.length > 1) parts.push(session.anomalyIds.length + ' anomalies in this session');
    return el('p', { class: 'session', 'data-testid': 'session-summary', text: parts.filter(Boolean).join(' · ') });
  }

  function anomalyDetail(a, session, anchor) {
    return el('section', { class: 'anomaly', id: anchor || null, 'data-testid': 'anomaly-detail', 'data-anomaly': a.id },
      el('h3', {}, badge(a.type), ' score ' + a.score.toFixed(2) + ' · ', el('span', { class: 'mono', text: a.template || '(session)' })),
      el('ul', { class: 'reasons' }, a.reasons.map(function (r) { return el('li', {}, badge(r.type), ' ' + r.detail); })),
      explanation(a), sessionSummary(a, session), waterfall(a.context.logs));
  }

  function cards(items) {
    return el('div', { class: 'cards' }, items.map(function (it) { return el('div', { class: 'card' }, el('div', { class: 'big', text: it[1] }), el('div', { class: 'muted', text: it[0] })); }));
  }

  // ---- the report: everything comes from the embedded data ----
  function report(data) {
    var root = document.getElementById('app');
    var flagged = {};
    data.anomalies.forEach(function (a) { flagged[a.templateId] = true; });
    var totals = data.runs.reduce(function (s, r) { if (r.counts) { s.records += r.counts.records; s.sessions += r.counts.sessions; s.anomalies += r.counts.anomalies; } return s; }, { records: 0, sessions: 0, anomalies: 0 });
    append(root, [
      el('header', {}, el('h1', { text: data.title }), el('p', { class: 'muted', text: data.subtitle })),
      el('h2', { text: 'Summary' }),
      cards([['runs', num(data.runs.length)], ['records', num(totals.records)], ['sessions', num(totals.sessions)], ['anomalies kept', num(totals.anomalies)]]),
      el('p', {}, 'Findings: ', counts(data.byType)),
      runTable(data.runs, null),
      data.digests && data.digests.length ? el('table', { class: 'digests', 'data-testid': 'digests' },
        el('thead', {}, el('tr', {}, ['source', 'runs', 'failed', 'records', 'anomalies', 'by type'].map(function (h) { return el('th', { text: h }); }))),
        el('tbody', {}, data.digests.map(function (d) { return el('tr', {}, el('td', { text: d.source }), el('td', { class: 'num', text: d.runs }), el('td', { class: 'num', text: d.failedRuns }), el('td', { class: 'num', text: num(d.records) }), el('td', { class: 'num', text: num(d.anomalies) }), el('td', {}, counts(d.byType))); }))) : null,
      el('h2', { text: 'Anomalies over time' }), timelineChart(data.timeline),
      el('h2', { text: 'Template frequencies' }), templateChart(data.templates, flagged),
      el('h2', { text: 'Top anomalies' }),
      data.anomalies.length ? anomalyTable(data.anomalies, function (a) { return '#anomaly-' + a.id; }) : el('p', { class: 'muted', text: 'No anomalies.' }),
      data.anomalies.map(function (a) { return anomalyDetail(a, null, 'anomaly-' + a.id); }),
    ]);
  }

  // ---- the dashboard: the same views, fed by the results API ----
  function dashboard(base) {
    var root = document.getElementById('app');
    function get(path) {
      return fetch(base + path, { headers: { accept: 'application/json' } }).then(function (res) {
        return res.json().then(function (body) { if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText); return body; });
      });
    }
    function show() { while (root.firstChild) root.removeChild(root.firstChild); append(root, Array.prototype.slice.call(arguments)); }
    function fail(err) { show(el('p', { class: 'error', 'data-testid': 'error', text: String(err.message || err) }), el('a', { href: '#/', text: 'back to the runs' })); }
    function more(next, load, into) {
      if (!next) return null;
      var button = el('button', { 'data-testid': 'more', text: 'more', onclick: function () { button.remove(); load(next).then(function (node) { into.appendChild(node); }); } });
      return button;
    }
    function runsView() {
      show(el('h1', { text: 'logsleuth' }), el('p', { class: 'muted', text: 'Loading runs…' }));
      get('/sources').then(function (sources) {
        var sections = sources.items.map(function (source) {
          var box = el('div', {});
          function load(cursor) {
            return get('/sources/' + encodeURIComponent(source) + '/runs?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(function (page) {
              var frag = el('div', {}, runTable(page.items, function (r) { return '#/runs/' + r.runId; }));
              append(frag, more(page.nextCursor, load, box));
              return frag;
            });
          }
          load(null).then(function (node) { box.appendChild(node); }, fail);
          return el('section', {}, el('h2', { text: 'Source ' + source }), box);
        });
        show(el('h1', { text: 'logsleuth' }), el('p', { class: 'muted', text: sources.items.length + ' source(s); newest runs first' }), sections.length ? sections : el('p', { text: 'No runs yet: run logsleuth analyze <logs> first.' }));
      }, fail);
    }
    function runView(runId) {
      Promise.all([get('/runs/' + runId)]).then(function (res) {
        var run = res[0], box = el('div', {});
        var type = el('select', { 'data-testid': 'type-filter' }, el('option', { value: '', text: 'all types' }), TYPES.map(function (t) { return el('option', { value: t, text: t }); }));
        function load(cursor) {
          return get('/runs/' + runId + '/anomalies?limit=50' + (type.value ? '&type=' + type.value : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(function (page) {
            var frag = el('div', {}, page.items.length ? anomalyTable(page.items, function (a) { return '#/runs/' + runId + '/anomalies/' + a.id; }) : el('p', { class: 'muted', text: 'No anomalies.' }));
            append(frag, more(page.nextCursor, load, box));
            return frag;
          });
        }
        // A filter change while a page is loading: only the latest request's answer is shown.
        var generation = 0;
        function reload() {
          var mine = ++generation;
          while (box.firstChild) box.removeChild(box.firstChild);
          load(null).then(function (n) { if (mine === generation) box.appendChild(n); }, fail);
        }
        type.addEventListener('change', reload);
        show(el('a', { href: '#/', text: '← runs' }), el('h1', {}, 'Run ', el('span', { class: 'mono', text: run.runId })),
          runTable([run], null), run.reason ? el('p', { class: 'error', text: run.reason }) : null,
          el('h2', {}, 'Anomalies ', type), box);
        reload();
      }, fail);
    }
    function anomalyView(runId, anomalyId) {
      get('/runs/' + runId + '/anomalies/' + anomalyId).then(function (res) {
        show(el('a', { href: '#/runs/' + runId, text: '← run ' + runId }), el('h1', { text: 'Anomaly ' + anomalyId }), anomalyDetail(res.anomaly, res.session));
      }, fail);
    }
    function route() {
      var parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
      if (parts[0] === 'runs' && parts.length === 2) runView(parts[1]);
      else if (parts[0] === 'runs' && parts[2] === 'anomalies' && parts.length === 4) anomalyView(parts[1], parts[3]);
      else runsView();
    }
    window.addEventListener('hashchange', route);
    route();
  }

  window.LS = { report: report, dashboard: dashboard };
})();
`;
