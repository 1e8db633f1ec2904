// Inside the sandboxed diagram frame: take mermaid text from the parent, draw it with securityLevel "strict"
// (labels are text, no HTML, no click handlers), then tell the parent how tall it is.
/* global window, document */
"use strict";
(function () {
  var drawn = 0;
  var MAX_HEIGHT = 460;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data) return;
    if (event.data.diagramPing) { window.parent.postMessage({ diagramReady: true }, "*"); return; }
    if (typeof event.data.mermaid !== "string") return;
    var target = document.getElementById("diagram");
    window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral", flowchart: { useMaxWidth: true } });
    drawn += 1;
    window.mermaid.render("d" + drawn, event.data.mermaid).then(function (result) {
      target.innerHTML = result.svg;
      // A laptop screen shows the whole drawing: scaled to fit, never taller than MAX_HEIGHT.
      var svg = target.querySelector("svg");
      if (svg) { svg.style.maxHeight = MAX_HEIGHT + "px"; svg.style.maxWidth = "100%"; svg.style.display = "block"; svg.style.margin = "0 auto"; }
      window.parent.postMessage({ diagramHeight: Math.ceil(document.body.scrollHeight) + 8 }, "*");
    }, function (error) {
      target.textContent = String(error && error.message ? error.message : error);
      window.parent.postMessage({ diagramHeight: 80, diagramError: true }, "*");
    });
  });
  window.parent.postMessage({ diagramReady: true }, "*");
})();
