/* The audit page: reads /audit/api (the JSON of `bascule audit --json`) and draws the timeline and the path taken. */
var Audit = (function () {
  'use strict';

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  function text(v) { return v === null || v === undefined ? '' : String(v); }

  function time(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }

  function duration(ms) {
    if (ms === null || ms === undefined) { return ''; }
    if (ms < 1000) { return ms + ' ms'; }
    var s = Math.floor(ms / 1000);
    if (s < 60) { return (ms / 1000).toFixed(1) + ' s'; }
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    return (h ? h + 'h' : '') + (h && m < 10 ? '0' : '') + m + 'm' + (r < 10 ? '0' : '') + r + 's';
  }

  function fail(message) {
    var status = document.getElementById('status');
    status.className = 'failed';
    status.textContent = message;
  }

  /* absolute, from the origin: a page opened as http://user:password@host/ has a base URL that fetch refuses */
  function here(path) { return location.origin + location.pathname.replace(/[^/]*$/, '') + path; }

  function get(url) {
    return fetch(here(url), { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) {
        return r.text().then(function (body) {
          var message = body;
          try { message = JSON.parse(body).message; } catch (e) { /* not JSON */ }
          throw new Error(r.status + ': ' + message);
        });
      }
      return r;
    });
  }

  function list() {
    get('api/runs').then(function (r) { return r.json(); }).then(function (data) {
      var tbody = document.querySelector('#runs tbody');
      data.runs.forEach(function (run) {
        var link = el('a', { href: here('instance.html?id=' + encodeURIComponent(run.instanceId)) }, [run.processName || run.processKey]);
        tbody.appendChild(el('tr', { 'data-instance': run.instanceId }, [
          el('td', {}, [time(run.start)]), el('td', {}, [link, ' ', el('span', { 'class': 'sub' }, [run.processKey])]),
          el('td', {}, [text(run.version)]), el('td', { 'class': run.state }, [run.state]), el('td', {}, [text(run.startedBy)]),
          el('td', {}, [time(run.end)]), el('td', {}, [duration(run.durationMs)]), el('td', { 'class': 'sub' }, [run.instanceId])]));
      });
      document.getElementById('status').textContent = data.runs.length ? data.runs.length + ' run(s)' : 'No run in the history yet.';
      document.getElementById('runs').hidden = data.runs.length === 0;
    }).catch(function (e) { fail('Cannot read the runs: ' + e.message); });
  }

  function facts(a) {
    var outcome = a.outcome ? a.outcome.name + (a.outcome.success === true ? ' (success)' : a.outcome.success === false ? ' (not a success)' : '')
        + (a.outcome.message ? ': ' + a.outcome.message : '') : '(running)';
    var rows = [['process', (a.processName || a.processKey) + ' (' + a.processKey + '), version ' + a.version + (a.versionTag ? ', tag ' + a.versionTag : '')],
      ['instance', a.instanceId + (a.businessKey ? ', business key ' + a.businessKey : '')], ['state', a.state], ['outcome', outcome],
      ['started by', text(a.startedBy)], ['start', time(a.start)], ['end', a.end ? time(a.end) : '(running)'], ['duration', duration(a.durationMs)]];
    return el('table', { id: 'summary' }, rows.map(function (r) {
      return el('tr', {}, [el('th', {}, [r[0]]), el('td', { 'class': r[0] === 'state' ? a.state : '' }, [r[1]])]);
    }));
  }

  function problems(s) {
    var p = [];
    (s.failures || []).forEach(function (f) {
      p.push('failed ' + time(f.time) + ': ' + f.message + (f.retriesLeft !== undefined ? ' (retries left: ' + f.retriesLeft + ')' : ''));
    });
    (s.incidents || []).forEach(function (i) { p.push('incident ' + i.state + ': ' + i.message); });
    return p.join('\n');
  }

  function timeline(a) {
    var tbody = document.querySelector('#steps tbody');
    a.steps.forEach(function (s, n) {
      tbody.appendChild(el('tr', { 'class': 'step', 'data-activity': s.activityId }, [el('td', {}, [n + 1]), el('td', {}, [s.name || s.activityId]),
        el('td', {}, [text(s.type)]), el('td', {}, [time(s.start)]), el('td', {}, [time(s.end)]), el('td', {}, [duration(s.durationMs)]),
        el('td', {}, [text(s.user)]), el('td', { 'class': s.outcome }, [s.outcome]), el('td', {}, [el('pre', {}, [problems(s)])])]));
    });
    var tasks = document.getElementById('tasks');
    if (!a.tasks.length) { tasks.appendChild(el('p', {}, ['None.'])); }
    a.tasks.forEach(function (t) {
      var rows = [['offered to', (t.candidateGroups || []).join(', ')], ['created', time(t.created)],
        ['claimed by', t.claimedBy ? t.claimedBy + ' at ' + time(t.claimedAt) : '-'],
        ['completed by', t.completedBy ? t.completedBy + ' at ' + time(t.completedAt) : (t.end ? '-' : '(open)')]];
      if (t.deleteReason) { rows.push(['ended', t.deleteReason]); }
      Object.keys(t.values || {}).forEach(function (k) { rows.push(['value ' + k, text(t.values[k])]); });
      (t.comments || []).forEach(function (c) { rows.push(['comment by ' + c.user + ' at ' + time(c.time), c.text]); });
      tasks.appendChild(el('div', { 'class': 'task' }, [el('h3', {}, [t.name]), el('table', {}, rows.map(function (r) {
        return el('tr', {}, [el('th', {}, [r[0]]), el('td', {}, [el('pre', {}, [r[1]])])]);
      }))]));
    });
    var incidents = document.getElementById('incidents');
    if (!a.incidents.length) { incidents.appendChild(el('p', {}, ['None.'])); } else {
      incidents.appendChild(el('table', {}, [el('tr', {}, ['step', 'type', 'created', 'ended', 'state', 'message'].map(function (h) { return el('th', {}, [h]); }))]
        .concat(a.incidents.map(function (i) {
          return el('tr', {}, [el('td', {}, [text(i.activityId)]), el('td', {}, [text(i.type)]), el('td', {}, [time(i.created)]),
            el('td', {}, [time(i.ended)]), el('td', { 'class': i.state }, [i.state]), el('td', {}, [el('pre', {}, [text(i.message)])])]);
        }))));
    }
    var vars = document.querySelector('#variables tbody');
    Object.keys(a.variables || {}).forEach(function (k) {
      var cell = [el('pre', {}, [text(a.variables[k])])];
      if (/^[A-Za-z][A-Za-z0-9]*ReportFile$/.test(k)) {
        // the report the run wrote, served by the audit page (its HTML form)
        cell.push(el('a', { 'class': 'report', href: here('api/runs/' + encodeURIComponent(a.instanceId) + '/reports/' + k),
          target: '_blank' }, ['open the report']));
      }
      vars.appendChild(el('tr', {}, [el('th', {}, [k]), el('td', {}, cell)]));
    });
  }

  function diagram(a, xml) {
    var viewer = new BpmnJS({ container: '#diagram' });
    return viewer.importXML(xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      var state = {};
      a.steps.forEach(function (s) {
        var mark = s.outcome === 'failed' || s.outcome === 'error' ? 'audit-failed' : s.outcome === 'active' ? 'audit-active' : 'audit-passed';
        if (state[s.activityId] !== 'audit-failed') { state[s.activityId] = mark; }
      });
      Object.keys(state).forEach(function (id) {
        var element = registry.get(id);
        if (element) {
          canvas.addMarker(id, state[id]);
          if (element.type === 'bpmn:SubProcess' || element.type === 'bpmn:Transaction') {
            canvas.addMarker(id, 'audit-scope'); // outlined only: the steps inside stay readable
          }
        }
      });
      a.path.flows.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, 'audit-taken'); } });
      document.getElementById('diagram').setAttribute('data-rendered', 'true');
    });
  }

  function run(id) {
    if (!id) { fail('No instance given: open a run from the list.'); return; }
    var api = 'api/runs/' + encodeURIComponent(id);
    document.getElementById('json').href = here(api);
    get(api).then(function (r) { return r.json(); }).then(function (a) {
      document.title = 'Bascule audit: ' + (a.processName || a.processKey) + ' ' + a.instanceId;
      document.getElementById('title').textContent = (a.processName || a.processKey) + ', instance ' + a.instanceId;
      document.getElementById('facts').appendChild(facts(a));
      var written = Object.keys(a.variables || {}).filter(function (k) { return /^[A-Za-z][A-Za-z0-9]*ReportFile$/.test(k); });
      if (written.length) {
        document.getElementById('facts').appendChild(el('p', { id: 'reports' }, ['Reports: '].concat(written.map(function (k) {
          return el('a', { 'class': 'report', href: here('api/runs/' + encodeURIComponent(a.instanceId) + '/reports/' + k),
            target: '_blank' }, [k.replace(/ReportFile$/, '') + ' report']);
        }))));
      }
      timeline(a);
      document.getElementById('status').textContent = '';
      return get(api + '/bpmn').then(function (r) { return r.text(); }).then(function (xml) { return diagram(a, xml); });
    }).catch(function (e) { fail('Cannot show this run: ' + e.message); });
  }

  return { list: list, run: run };
})();
