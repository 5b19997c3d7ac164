/*
 * The surveillance live page. Reads /bascule-api/surveillance/state (the latest sample, the thresholds, the active
 * runs and their open tasks) and /samples (the last hour's chart points), then follows /stream: server-sent events,
 * one per new sample. The browser's EventSource reconnects by itself and sends the id of the last sample it got
 * (Last-Event-ID): the server replays what was missed, or sends 'reload' when that is too much. A stream closed for
 * good (the login refused, the server gone) is opened again every 5 s. The state is read again after each sample
 * and every 30 s.
 */
var Live = (function () {
  'use strict';

  var API = '/bascule-api/surveillance/';
  var WINDOW_S = 60 * 60;
  var STATES = ['active', 'idle', 'idle in transaction'];

  var points = [];          // {t (s), active, idle, idleTx, other, avg}, oldest first
  var thresholds = null;
  var state = null;         // the last /state document
  var latest = null;        // the newest sample (from the state or the stream)
  var charts = {};
  var source = null;
  var stateLoading = false;
  var stateAgain = false;

  // ------------------------------------------------------------------ helpers

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, attrs[k]); } });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  function text(v) { return v === null || v === undefined ? '' : String(v); }
  function pad(n) { return n < 10 ? '0' + n : String(n); }

  /* hh:mm:ss in the browser's time zone; with the date when not today */
  function clock(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    var t = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    return d.toDateString() === new Date().toDateString() ? t : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + t;
  }

  /* 3725 -> "1:02:05", 65 -> "1:05"; negative -> "-1:05" */
  function span(seconds) {
    var s = Math.abs(Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    return (seconds < 0 ? '-' : '') + (h ? h + ':' + pad(m) : m) + ':' + pad(r);
  }

  function num(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits === undefined ? 1 : digits); }

  function get(path) {
    return fetch(location.origin + API + path, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok) {
        return r.text().then(function (body) {
          var message = body;
          try { message = JSON.parse(body).message; } catch (e) { /* not JSON */ }
          throw new Error(r.status === 401 ? 'not logged in (reload the page to log in again)' : r.status + ': ' + message);
        });
      }
      return r.json();
    });
  }

  // ------------------------------------------------------------------ charts

  function pointOf(s) {
    var t = Date.parse(s.at) / 1000;
    if (!s.reachable || s.error) {
      return { t: t, active: null, idle: null, idleTx: null, other: null, avg: null };
    }
    var by = s.connectionsByState || {}, other = 0;
    Object.keys(by).forEach(function (k) { if (STATES.indexOf(k) < 0) { other += by[k]; } });
    return { t: t, active: by.active || 0, idle: by.idle || 0, idleTx: by['idle in transaction'] || 0, other: other,
      avg: s.avgQueryMs === null || s.avgQueryMs === undefined ? null : s.avgQueryMs };
  }

  /* in time order, one point per sample (a replayed sample is not added twice) */
  function addPoint(p) {
    var i = points.length;
    while (i > 0 && points[i - 1].t > p.t) { i--; }
    if (i > 0 && points[i - 1].t === p.t) { points[i - 1] = p; return; }
    points.splice(i, 0, p);
    var oldest = points[points.length - 1].t - WINDOW_S;
    while (points.length && points[0].t < oldest) { points.shift(); }
  }

  function column(key) { return points.map(function (p) { return p[key]; }); }

  function width(id) { return Math.max(320, document.getElementById(id).clientWidth || 600); }

  function makeCharts() {
    // x: the samples' span, at least 10 s (no sub-second ticks with the first samples); y: from 0
    var scales = {
      x: { time: true, range: function (u, min, max) { return [Math.min(min, max - 10), max]; } },
      y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; } }
    };
    var common = { height: 220, scales: scales, legend: { live: false }, cursor: { drag: { x: false, y: false } } };
    charts.connections = new uPlot(Object.assign({}, common, {
      width: width('chart-connections'),
      series: [{}, { label: 'active', stroke: '#0969da', width: 2 }, { label: 'idle', stroke: '#8c959f', width: 2 },
        { label: 'idle in transaction', stroke: '#bf8700', width: 2 }, { label: 'other', stroke: '#8250df', width: 1 }],
      axes: [{}, { label: 'sessions', size: 50 }]
    }), [[], [], [], [], []], document.getElementById('chart-connections'));
    charts.query = new uPlot(Object.assign({}, common, {
      width: width('chart-query'),
      series: [{}, { label: 'mean query ms', stroke: '#0969da', width: 2 },
        { label: 'threshold', stroke: '#cf222e', width: 1, dash: [6, 4], points: { show: false } }],
      axes: [{}, { label: 'ms', size: 60 }]
    }), [[], [], []], document.getElementById('chart-query'));
    window.addEventListener('resize', function () {
      charts.connections.setSize({ width: width('chart-connections'), height: 220 });
      charts.query.setSize({ width: width('chart-query'), height: 220 });
    });
  }

  function drawCharts() {
    var x = column('t');
    charts.connections.setData([x, column('active'), column('idle'), column('idleTx'), column('other')]);
    var limit = thresholds ? thresholds.maxAvgQueryMs : null;
    charts.query.setData([x, column('avg'), x.map(function () { return limit; })]);
    var withConnections = points.filter(function (p) { return p.active !== null; }).length;
    var withQuery = points.filter(function (p) { return p.avg !== null; }).length;
    document.getElementById('chart-connections').setAttribute('data-points', String(withConnections));
    document.getElementById('chart-query').setAttribute('data-points', String(withQuery));
  }

  // ------------------------------------------------------------------ the status line

  function renderStatus() {
    var box = document.getElementById('status');
    if (!state) { return; }
    var s = state.status;
    var message = s.message;
    if (s.level === 'unreachable') { message = 'PostgreSQL unreachable since ' + clock(s.since) + ': ' + s.reason; }
    if (s.level === 'failing') { message = 'Sampling PostgreSQL fails since ' + clock(s.since) + ': ' + s.reason; }
    if (s.level === 'alert' && s.since) { message += ' (since ' + clock(s.since) + ')'; }
    box.className = 'status ' + s.level;
    box.setAttribute('data-level', s.level);
    box.textContent = message;
    var sampling = state.sampling;
    var meta = document.getElementById('meta');
    meta.textContent = '';
    var parts = [];
    if (sampling.running) {
      parts.push('sampling every ' + sampling.sampleIntervalMs / 1000 + ' s');
    } else {
      parts.push('not sampling');
    }
    if (sampling.target) { parts.push('target ' + sampling.target); }
    if (latest) {
      var age = Math.max(0, Math.round((Date.now() - Date.parse(latest.at)) / 1000));
      var stale = sampling.running && age * 1000 > 3 * sampling.sampleIntervalMs + 5000;
      parts.push('last sample ' + clock(latest.at) + (stale ? ' (no new sample for ' + span(age) + ')' : ''));
    }
    meta.appendChild(document.createTextNode(parts.join(' · ') + ' · '));
    meta.appendChild(el('span', { id: 'live', 'class': source && source.readyState === 1 ? 'connected' : 'reconnecting' },
      [source && source.readyState === 1 ? 'live' : 'connecting to the live stream...']));
  }

  // ------------------------------------------------------------------ figures and alerts

  function tile(key, value, note, check) {
    return el('div', { 'class': 'tile' + (check ? (check.passed ? ' passed' : ' failed') : ''), 'data-key': key },
      [el('div', { 'class': 'k' }, [key]), el('div', { 'class': 'v' }, [value]), el('div', { 'class': 'k' }, [note])]);
  }

  function result(c) { return c.informative ? 'informative' : c.passed ? 'passed' : 'failed'; }

  /* ✅ / ❌ / ℹ drawn with the page's own fonts (a machine without an emoji font shows empty boxes for the emoji) */
  function mark(r) {
    return el('span', { 'class': 'mark ' + r, title: r }, [{ passed: '✔', failed: '✘', informative: 'i' }[r]]);
  }

  function checkOf(s, key) { return (s.alerts || []).filter(function (c) { return c.key === key; })[0]; }

  function renderFigures(s) {
    var t = thresholds || {};
    document.getElementById('sample-at').textContent = s ? '(sample of ' + clock(s.at) + ', ' + s.queries + ' queries in ' + s.sampleMillis + ' ms)' : '';
    var tiles = document.getElementById('tiles');
    tiles.textContent = '';
    var tbody = document.querySelector('#checks tbody');
    tbody.textContent = '';
    if (!s) { return; }
    if (s.reachable && !s.error) {
      tiles.appendChild(tile('Connections', text(s.connections) + ' / ' + text(s.usableConnections),
        num(s.connectionUsagePct) + ' % of usable (alert over ' + t.maxConnectionUsagePct + ' %)', checkOf(s, 'connections')));
      tiles.appendChild(tile('Mean query', num(s.avgQueryMs, 2) + ' ms', 'alert over ' + t.maxAvgQueryMs + ' ms; max ' + num(s.maxQueryMs) + ' ms',
        checkOf(s, 'avgQuery')));
      tiles.appendChild(tile('Slow queries', text(s.slowQueryCount === null ? '–' : s.slowQueryCount), 'mean over ' + t.slowQueryMs + ' ms',
        checkOf(s, 'slowQueries')));
      tiles.appendChild(tile('Dead tuples', num(s.deadTuplePct) + ' %', 'worst table; alert over ' + t.maxDeadTuplePct + ' %', checkOf(s, 'deadTuples')));
      tiles.appendChild(tile('Deadlocks', text(s.deadlocks), 'since the statistics reset', checkOf(s, 'deadlocks')));
      tiles.appendChild(tile('Cache hit', num(s.cacheHitPct) + ' %', 'since the statistics reset'));
      tiles.appendChild(tile('Long-running', text(s.longRunningCount), 'over ' + t.longRunningSeconds + ' s; ' + text(s.idleInTransactionCount)
        + ' idle in transaction'));
    }
    (s.alerts || []).forEach(function (c) {
      tbody.appendChild(el('tr', { 'data-key': c.key, 'data-result': result(c), 'class': c.passed ? 'passed' : 'failed' },
        [el('td', {}, [mark(result(c))]), el('td', {}, [c.name]), el('td', {}, [c.value]), el('td', {}, [c.threshold])]));
    });
  }

  function sessionsTable(list) {
    return el('table', {}, [el('tr', {}, ['pid', 'user', 'application', 'state', 'age', 'query'].map(function (h) { return el('th', {}, [h]); }))]
      .concat(list.map(function (x) {
        return el('tr', {}, [el('td', {}, [text(x.pid)]), el('td', {}, [text(x.user)]), el('td', {}, [text(x.applicationName)]),
          el('td', {}, [text(x.state)]), el('td', {}, [span(x.ageSeconds)]), el('td', { 'class': 'query' }, [text(x.query)])]);
      })));
  }

  function renderAlerts(s) {
    var box = document.getElementById('alerts');
    box.textContent = '';
    if (!s) { box.appendChild(el('p', { 'class': 'sub' }, ['No sample yet.'])); return; }
    var any = false;
    var failed = (s.alerts || []).filter(function (c) { return !c.passed; });
    if (failed.length) {
      any = true;
      box.appendChild(el('ul', { id: 'failed-checks' }, failed.map(function (c) {
        return el('li', { 'class': 'problem' }, [mark('failed'), ' ' + c.name + ': ' + c.value + ' (' + c.threshold + ')']);
      })));
    }
    if ((s.slowQueries || []).length) {
      any = true;
      box.appendChild(el('h3', {}, ['Slow queries (' + s.slowQueryCount + ')']));
      box.appendChild(el('table', { id: 'slow-queries' }, [el('tr', {}, ['mean ms', 'max ms', 'calls', 'query'].map(function (h) { return el('th', {}, [h]); }))]
        .concat(s.slowQueries.map(function (q) {
          return el('tr', {}, [el('td', {}, [num(q.meanMs)]), el('td', {}, [num(q.maxMs)]), el('td', {}, [text(q.calls)]),
            el('td', { 'class': 'query' }, [text(q.query)])]);
        }))));
    }
    if ((s.longRunning || []).length) {
      any = true;
      box.appendChild(el('h3', {}, ['Long-running sessions (' + s.longRunningCount + ')']));
      box.appendChild(sessionsTable(s.longRunning));
    }
    if ((s.idleInTransaction || []).length) {
      any = true;
      box.appendChild(el('h3', {}, ['Idle in transaction (' + s.idleInTransactionCount + ')']));
      box.appendChild(sessionsTable(s.idleInTransaction));
    }
    var h = s.appHealth;
    box.appendChild(el('p', { id: 'app-health', 'class': h && !h.ok ? 'problem' : '' }, h
      ? [mark(h.ok ? 'passed' : 'failed'), ' Application health ' + h.url + ': ' + (h.status !== null && h.status !== undefined ? 'HTTP ' + h.status : 'no answer')
        + (h.error ? ' (' + h.error + ')' : '') + ', ' + h.millis + ' ms']
      : [mark('informative'), ' Application health: no health URL configured (bascule.app.health-url)']));
    (s.notes || []).forEach(function (n) { box.appendChild(el('p', { 'class': 'sub' }, ['Note: ' + n])); });
    if (!any && !(h && !h.ok)) { box.insertBefore(el('p', { id: 'no-alert' }, ['No alert: every check passes.']), box.firstChild); }
  }

  // ------------------------------------------------------------------ the run

  var shownRuns = null;

  function renderRuns() {
    var runs = state ? state.runs : [];
    // drawn again only when something but the elapsed time changed (the clocks tick on their own): links and
    // selections stay put
    var key = JSON.stringify(runs, function (k, v) { return k === 'elapsedSeconds' ? undefined : v; });
    if (key === shownRuns) { return; }
    shownRuns = key;
    var box = document.getElementById('run');
    box.textContent = '';
    if (!runs.length) {
      box.appendChild(el('p', { id: 'no-run' }, ['No surveillance run active. ',
        el('span', { 'class': 'sub' }, ['A successful cutover starts one; a DBA may start "Surveillance" in Tasklist. The figures below are live all the same.'])]));
      return;
    }
    runs.forEach(function (r) {
      var card = el('div', { 'class': 'run', 'data-run': r.id });
      card.appendChild(el('h3', {}, ['Run ' + (r.businessKey || r.id) + (r.dryRun ? ' (dry run)' : '') + (r.suspended ? ' (suspended)' : ''),
        ' ', el('a', { href: '/audit/instance.html?id=' + encodeURIComponent(r.id), 'class': 'sub' }, ['audit'])]));
      var next = r.nextChecklist;
      card.appendChild(el('p', { 'class': 'facts' }, [
        el('span', {}, ['started ', clock(r.startedAt)]),
        el('span', {}, ['elapsed ', el('span', { 'class': 'clock', 'data-from': r.startedAt, 'data-prefix': 'T+' }, [''])]),
        el('span', { id: 'next-checklist' }, next ? ['next checklist ', el('b', {}, [next.label]), ' due ', clock(next.dueAt), ' (',
          el('span', { 'class': 'clock', 'data-to': next.dueAt, 'data-prefix': 'in ' }, ['']), ')'] : ['no checklist to come'])]));
      card.appendChild(el('div', { 'class': 'chips' }, r.checklists.map(function (c) {
        var sign = { confirmed: mark('passed'), flagged: mark('failed') }[c.state];
        return el('span', { 'class': c.state, 'data-checklist': c.label, title: 'due ' + c.dueAt },
          [c.label + ' ', sign, sign ? ' ' : '', c.state + (c.state === 'scheduled' || c.state === 'due' ? ' ' + clock(c.dueAt) : '')]);
      })));
      r.openPlaybooks.forEach(function (p) {
        card.appendChild(el('p', { 'class': 'problem' }, ['Playbook open: ' + p.name + (p.trigger ? ' (' + p.trigger + ')' : '')]));
      });
      r.incidents.forEach(function (i) {
        card.appendChild(el('p', { 'class': 'problem' }, ['Incident since ' + clock(i.created) + ': ' + i.message + ' (see Cockpit)']));
      });
      if (!r.tasks.length) {
        card.appendChild(el('p', { 'class': 'sub' }, ['No open task.']));
      } else {
        card.appendChild(el('table', { 'class': 'tasks' }, [el('tr', {}, ['', 'open task', 'created', 'due', 'assignee', ''].map(function (h) { return el('th', {}, [h]); }))]
          .concat(r.tasks.map(function (t) {
            var what = t.kind === 'playbook' ? 'playbook ' + t.playbook : t.kind === 'checklist' ? 'checklist ' + t.checklist : 'task';
            return el('tr', { 'data-task': t.id, 'data-kind': t.kind }, [el('td', { 'class': 'kind-' + t.kind }, [what]), el('td', {}, [t.name]),
              el('td', {}, [clock(t.created)]), el('td', {}, [t.due ? clock(t.due) : '']), el('td', {}, [text(t.assignee)]),
              el('td', {}, [el('a', { href: t.url, target: '_blank' }, ['open in Tasklist'])])]);
          }))));
      }
      box.appendChild(card);
    });
    tick();
  }

  /* the T+ clocks and countdowns, every second */
  function tick() {
    document.querySelectorAll('.clock').forEach(function (c) {
      var from = c.getAttribute('data-from'), to = c.getAttribute('data-to');
      var s = from ? (Date.now() - Date.parse(from)) / 1000 : (Date.parse(to) - Date.now()) / 1000;
      c.textContent = (to && s < 0 ? 'overdue ' : c.getAttribute('data-prefix')) + span(Math.abs(s));
    });
  }

  // ------------------------------------------------------------------ loading and the stream

  function loadState() {
    if (stateLoading) { stateAgain = true; return; }
    stateLoading = true;
    get('state').then(function (doc) {
      state = doc;
      thresholds = doc.thresholds;
      if (doc.latest && (!latest || Date.parse(doc.latest.at) >= Date.parse(latest.at))) {
        latest = doc.latest;
        addPoint(pointOf(latest));
        renderFigures(latest);
        renderAlerts(latest);
        drawCharts();
      }
      renderStatus();
      renderRuns();
    }).catch(function (e) {
      var box = document.getElementById('status');
      box.className = 'status error';
      box.textContent = 'Cannot read the surveillance state: ' + e.message;
    }).then(function () {
      stateLoading = false;
      if (stateAgain) { stateAgain = false; loadState(); }
    });
  }

  function loadSamples() {
    return get('samples?minutes=60').then(function (doc) {
      thresholds = doc.thresholds;
      doc.points.forEach(function (s) { addPoint(pointOf(s)); });
      drawCharts();
    });
  }

  function onSample(e) {
    var s = JSON.parse(e.data);
    addPoint(pointOf(s));
    drawCharts();
    if (!latest || Date.parse(s.at) >= Date.parse(latest.at)) {
      latest = s;
      renderFigures(s);
      renderAlerts(s);
    }
    loadState();
  }

  function openStream() {
    var after = points.length ? '?after=' + Math.round(points[points.length - 1].t * 1000) : '';
    source = new EventSource(location.origin + API + 'stream' + after);
    source.addEventListener('sample', onSample);
    source.addEventListener('reload', function () { loadSamples().catch(function () { /* the next state read says why */ }); });
    source.onopen = function () { renderStatus(); };
    source.onerror = function () {
      renderStatus();
      if (source.readyState === 2) {   // closed for good: open it again later
        var live = document.getElementById('live');
        if (live) { live.className = 'stopped'; live.textContent = 'live stream closed, opening it again in 5 s'; }
        setTimeout(openStream, 5000);
      }
    };
  }

  function start() {
    makeCharts();
    loadSamples().catch(function () { /* the state read says why */ }).then(function () {
      loadState();
      openStream();
    });
    setInterval(tick, 1000);
    setInterval(function () { loadState(); }, 30000);
  }

  /* the times of the chart's points, epoch ms (for the browser test) */
  function pointTimes() { return points.map(function (p) { return Math.round(p.t * 1000); }); }

  return { start: start, pointOf: pointOf, pointTimes: pointTimes };
})();
