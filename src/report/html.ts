/**
 * The report as one HTML page. Every string is HTML-escaped. The decision path is drawn by mermaid
 * from the locally installed package (inlined, or a file beside the page), never from a CDN; a
 * Content-Security-Policy lets only this page's own scripts run and nothing load from the network.
 * Until mermaid has drawn (or if it cannot), the path is shown as text.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { escapeHtml, jsonForScript } from "./escape.js";
import type { Block, ReportView } from "./view.js";

const require = createRequire(import.meta.url);

/** Where the installed mermaid bundle is. */
export function mermaidScriptPath(): string {
  return require.resolve("mermaid/dist/mermaid.min.js");
}

let mermaidSource: string | undefined;
function mermaidInline(): string {
  // Script text must not close its own element; the bundle is checked rather than trusted.
  mermaidSource ??= readFileSync(mermaidScriptPath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return mermaidSource;
}

export interface HtmlOptions {
  /** "inline" (default): the page carries mermaid itself. "external": <script src="mermaid.min.js"> beside the page. */
  mermaidScript?: "inline" | "external";
}

/** Fonts with Thai glyphs first (Noto, TLWG from fonts-thai-tlwg), then the rest. */
export const FONT_STACK = `"Noto Sans Thai", "Noto Sans", "Sarabun", "Loma", "Garuda", "Waree", "Tlwg Typo", "DejaVu Sans", sans-serif`;

export function renderHtml(view: ReportView, opts: HtmlOptions = {}): string {
  const nonce = randomBytes(16).toString("base64");
  const diagrams: string[] = [];
  const body = view.sections.map((s) => [
    `<section id="${escapeHtml(s.id)}">`,
    `<h2>${escapeHtml(s.title)}</h2>`,
    ...s.blocks.map((b) => renderBlock(b, diagrams)),
    "</section>",
  ].join("\n")).join("\n");
  const mermaidTag = opts.mermaidScript === "external"
    ? `<script nonce="${nonce}" src="mermaid.min.js"></script>`
    : `<script nonce="${nonce}">${mermaidInline()}</script>`;
  return [
    "<!DOCTYPE html>",
    `<html lang="${view.lang}" data-mermaid="pending">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data:; font-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="minerhunt">`,
    `<title>${escapeHtml(view.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<header><h1>${escapeHtml(view.title)}</h1><p class="subtitle">${escapeHtml(view.subtitle)}</p></header>`,
    `<main>\n${body}\n</main>`,
    `<script type="application/json" id="mh-diagrams">${jsonForScript(diagrams)}</script>`,
    mermaidTag,
    `<script nonce="${nonce}">${RENDER_SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function renderBlock(b: Block, diagrams: string[]): string {
  switch (b.kind) {
    case "paragraph":
      return `<p${b.tone ? ` class="${b.tone}"` : ""}>${escapeHtml(b.text)}</p>`;
    case "list":
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
    case "keyValue":
      return `<table class="kv"><tbody>${b.rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</tbody></table>`;
    case "table": {
      const code = new Set(b.code ?? []);
      const cell = (text: string, i: number) => {
        const inner = code.has(i) && text !== "" ? `<code>${breakablePath(escapeHtml(text))}</code>` : escapeHtml(text);
        const mark = text === "☑" ? ` class="done"` : text === "☐" ? ` class="open"` : "";
        return `<td${mark}>${inner}</td>`;
      };
      return [
        "<table>",
        b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : "",
        `<thead><tr>${b.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>`,
        `<tbody>${b.rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody>`,
        "</table>",
      ].join("");
    }
    case "diagram": {
      const index = diagrams.push(b.mermaid) - 1;
      return `<figure class="diagram"><div class="diagram-target" data-diagram="${index}"><p class="fallback">${escapeHtml(b.fallback)}</p></div>` +
        `<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    }
    case "code":
      return `<figure class="code"><figcaption>${escapeHtml(b.caption)}</figcaption><pre><code>${escapeHtml(b.text)}</code></pre></figure>`;
  }
}

/**
 * Draws each diagram with mermaid.render (strict security level) and marks the page done or failed,
 * which the PDF printer waits for. Diagram sources come from a JSON block, never from the DOM text.
 */
const RENDER_SCRIPT = `(async () => {
  const root = document.documentElement;
  try {
    const specs = JSON.parse(document.getElementById("mh-diagrams").textContent || "[]");
    if (specs.length > 0) {
      if (typeof mermaid === "undefined") throw new Error("mermaid.min.js did not load");
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default", deterministicIds: true,
        fontFamily: ${JSON.stringify(FONT_STACK)}, flowchart: { useMaxWidth: true } });
      for (let i = 0; i < specs.length; i++) {
        const target = document.querySelector('[data-diagram="' + i + '"]');
        const result = await mermaid.render("mh-diagram-" + i, specs[i]);
        target.innerHTML = result.svg;
      }
    }
    root.dataset.mermaid = "done";
  } catch (err) {
    root.dataset.mermaid = "error";
    root.dataset.mermaidError = String((err && err.message) || err);
  }
})();`;

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
:root { color-scheme: light; }
body { font-family: ${FONT_STACK}; font-size: 10.5pt; line-height: 1.5; color: #1c2833; margin: 0 auto; max-width: 60rem; padding: 1rem; }
header { border-bottom: 3px solid #c0392b; margin-bottom: 1rem; }
h1 { font-size: 1.45rem; margin: 0 0 .2rem 0; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .5rem 0; padding-left: .5rem; border-left: 5px solid #2e86c1; break-after: avoid; }
.subtitle { color: #566573; margin: 0 0 .6rem 0; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 .8rem 0; table-layout: auto; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #ccd1d1; padding: .25rem .4rem; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
thead th { background: #eaf2f8; white-space: nowrap; }
caption, thead { break-after: avoid; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.kv th { width: 28%; background: #f4f6f7; font-weight: 600; }
td.done { color: #1e8449; font-weight: bold; text-align: center; }
td.open { color: #7f8c8d; text-align: center; }
code, pre { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: .86em; }
td code { overflow-wrap: break-word; }
pre { background: #f4f6f7; border: 1px solid #d5dbdb; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
p.warning { background: #fdedec; border: 1px solid #e74c3c; padding: .5rem; font-weight: bold; }
p.muted { color: #566573; font-style: italic; }
figure { margin: .6rem 0; break-inside: avoid; }
figure.diagram .diagram-target { text-align: center; }
figure.diagram svg { max-width: 100%; height: auto; max-height: 150mm; }
figcaption { color: #566573; font-size: .9em; }
p.fallback { font-weight: bold; }
`;

/**
 * Let long paths and ids wrap after "/", "." , ":" or "-" instead of anywhere: a table column then
 * keeps the width of its longest path segment instead of collapsing to one character per line.
 * Runs on already-escaped text (only adds <wbr>, never touches entities).
 */
function breakablePath(escaped: string): string {
  return escaped.replace(/([/:._-])(?=[^\s])/g, "$1<wbr>");
}
