// minerhunt web UI behaviour, loaded on every page (no framework, no inline script: the CSP forbids it).
// 1. CSRF: htmx requests carry the session's token from <meta name="csrf-token"> as x-csrf-token.
// 2. Diagrams: mermaid text from <pre class="mermaid-src"> is drawn in a sandboxed frame (assets/diagram.html).
// 3. Charts: [data-chart] elements hold JSON series; uPlot draws them.
// 4. Live plan status: [data-events] opens a server-sent event stream; step rows update as runs arrive.
// 5. Forms with data-confirm ask before they submit (real execution, closing).
/* global window, document, EventSource */
"use strict";
(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:config:request", function (event) {
    var token = csrfToken();
    var ctx = event.detail && event.detail.ctx;
    if (token && ctx && ctx.request && ctx.request.headers) ctx.request.headers["x-csrf-token"] = token;
  });

  // A note form empties itself once its note is saved (data-reset-on-success).
  document.addEventListener("htmx:after:request", function (event) {
    var form = event.target;
    var ctx = event.detail && event.detail.ctx;
    if (form && form.hasAttribute && form.hasAttribute("data-reset-on-success") && ctx && ctx.response && ctx.response.status < 300) form.reset();
  });

  // --- diagrams --------------------------------------------------------------------------------
  function setupDiagrams() {
    var frames = document.querySelectorAll("iframe.diagram");
    window.addEventListener("message", function (event) {
      for (var i = 0; i < frames.length; i++) {
        var frame = frames[i];
        if (event.source !== frame.contentWindow || !event.data) continue;
        if (event.data.diagramReady) {
          var source = document.getElementById(frame.getAttribute("data-source") || "");
          if (source) frame.contentWindow.postMessage({ mermaid: source.textContent || "" }, "*");
        } else if (typeof event.data.diagramHeight === "number") {
          frame.setAttribute("height", String(Math.min(Math.max(event.data.diagramHeight, 60), 2000)));
          frame.classList.add("drawn");
          frame.setAttribute("data-drawn", event.data.diagramError ? "error" : "ok");
        }
      }
    });
    // A frame that loaded before this script ran has already said it is ready: ask again.
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow) frames[i].contentWindow.postMessage({ diagramPing: true }, "*");
  }

  // --- charts ----------------------------------------------------------------------------------
  function setupCharts() {
    var charts = document.querySelectorAll("[data-chart]");
    if (!charts.length || typeof window.uPlot !== "function") return;
    for (var i = 0; i < charts.length; i++) drawChart(charts[i]);
  }

  var COLOURS = ["#c0392b", "#2471a3", "#7d3c98", "#1e8449", "#b9770e", "#566573"];

  function drawChart(el) {
    var spec;
    try { spec = JSON.parse(el.getAttribute("data-chart") || "null"); } catch { return; }
    if (!spec || !Array.isArray(spec.x) || !Array.isArray(spec.series)) return;
    var series = [{}];
    var data = [spec.x];
    spec.series.forEach(function (s, n) {
      series.push({ label: String(s.label), stroke: COLOURS[n % COLOURS.length], width: 2, spanGaps: true,
        points: { show: true, size: 6 }, paths: spec.bars ? window.uPlot.paths.bars({ size: [0.6, 40] }) : undefined,
        fill: spec.bars ? COLOURS[n % COLOURS.length] + "55" : undefined });
      data.push(s.values);
    });
    var width = Math.max(300, Math.min(el.clientWidth || 600, 1100));
    var opts = {
      width: width, height: 220, series: series,
      scales: spec.bars ? { x: { time: true } } : { x: { time: true }, y: { range: [0, 100] } },
      axes: [{}, { label: String(spec.unit || ""), size: 60 }],
    };
    el.setAttribute("data-drawn", "ok");
    new window.uPlot(opts, data, el);
  }

  // --- live plan status ------------------------------------------------------------------------
  function setupEvents() {
    var holder = document.querySelector("[data-events]");
    if (!holder || typeof window.EventSource !== "function") return;
    var source = new EventSource(holder.getAttribute("data-events"));
    source.addEventListener("step", function (event) {
      var run;
      try { run = JSON.parse(event.data); } catch { return; }
      var cells = document.querySelectorAll("[data-step-status]");
      for (var i = 0; i < cells.length; i++) {
        if (cells[i].getAttribute("data-step-status") !== run.stepId) continue;
        cells[i].textContent = String(run.label || run.status);
        cells[i].className = "status step-" + String(run.status).replace(/[^a-z-]/g, "");
      }
      holder.setAttribute("data-last-event", String(run.status));
    });
    source.addEventListener("end", function () { source.close(); });
  }

  // --- confirmations ---------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // ui.js is deferred: the document is parsed when this runs.
  setupDiagrams();
  setupCharts();
  setupEvents();
})();
