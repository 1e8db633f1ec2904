/**
 * The report as one HTML page. Every string is HTML-escaped. The decision path is an SVG drawn in
 * TypeScript (diagram.ts) and inlined, so the page has no script at all: its Content-Security-Policy
 * allows none and nothing to load from the network, and it reads the same offline, printed or mailed.
 */
import { escapeHtml } from "./escape.js";
import type { Block, ReportView } from "./view.js";

/** Fonts with Thai glyphs first (Noto, TLWG from fonts-thai-tlwg), then the rest. */
export const FONT_STACK = `"Noto Sans Thai", "Noto Sans", "Sarabun", "Loma", "Garuda", "Waree", "Tlwg Typo", "DejaVu Sans", sans-serif, "Noto Color Emoji"`;

export function renderHtml(view: ReportView): string {
  const body = view.sections.map((s) => [
    `<section id="${escapeHtml(s.id)}"${s.appendix ? ` class="appendix"` : ""}>`,
    `<h2>${escapeHtml(s.title)}</h2>`,
    ...s.blocks.map(renderBlock),
    "</section>",
  ].join("\n")).join("\n");
  return [
    "<!DOCTYPE html>",
    `<html lang="${view.lang}">`,
    "<head>",
    `<meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="generator" content="minerhunt">`,
    `<title>${escapeHtml(view.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<header><h1>${escapeHtml(view.title)}</h1><p class="subtitle">${escapeHtml(view.subtitle)}</p></header>`,
    `<main>\n${body}\n</main>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function renderBlock(b: Block): string {
  switch (b.kind) {
    case "paragraph":
      return `<p${b.tone ? ` class="${b.tone}"` : ""}>${escapeHtml(b.text)}</p>`;
    case "list":
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
    case "keyValue":
      return `<table class="kv"><tbody>${b.rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${keepIdsWhole(escapeHtml(v))}</td></tr>`).join("")}</tbody></table>`;
    case "table": {
      const code = new Set(b.code ?? []);
      const cell = (text: string, i: number) => {
        const inner = code.has(i) && text !== "" ? `<code>${breakablePath(escapeHtml(text))}</code>` : keepIdsWhole(escapeHtml(text));
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
    case "diagram":
      // The SVG is built by diagram.ts, which escapes every label as XML text; the path also stays as words.
      return `<figure class="diagram">${b.svg}<p class="fallback">${escapeHtml(b.fallback)}</p>` +
        `<figcaption>${escapeHtml(b.caption)}</figcaption></figure>`;
    case "code":
      return `<figure class="code"><figcaption>${escapeHtml(b.caption)}</figcaption><pre><code>${escapeHtml(b.text)}</code></pre></figure>`;
  }
}

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
/* break-word, not anywhere: a column stays as wide as its longest word, and only a word wider than the page breaks. */
th, td { border: 1px solid #ccd1d1; padding: .25rem .4rem; vertical-align: top; text-align: left; overflow-wrap: break-word; word-break: normal; }
thead th { background: #eaf2f8; white-space: nowrap; }
caption, thead { break-after: avoid; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.kv th { width: 28%; background: #f4f6f7; font-weight: 600; }
td.done { color: #1e8449; font-weight: bold; text-align: center; }
td.open { color: #7f8c8d; text-align: center; }
code, pre { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: .86em; }
td code { overflow-wrap: break-word; }
span.id { white-space: nowrap; }
pre { background: #f4f6f7; border: 1px solid #d5dbdb; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
p.warning { background: #fdedec; border: 1px solid #e74c3c; padding: .5rem; font-weight: bold; }
p.muted { color: #566573; font-style: italic; }
figure { margin: .6rem 0; break-inside: avoid; }
figure.diagram { text-align: center; }
figure.diagram svg { max-width: 100%; height: auto; max-height: 115mm; font-family: ${FONT_STACK}; }
figure.diagram p.fallback { text-align: left; }
section.appendix { break-before: page; }
section.appendix table { font-size: .85em; }
figcaption { color: #566573; font-size: .9em; }
p.fallback { font-weight: bold; }
`;

/**
 * Let long paths and URLs wrap after "/", ":", "?", "&", "=" or "," instead of anywhere: a domain, an
 * address or a word stays whole (CSS break-word still breaks one wider than the page), and a column
 * keeps the width of its longest segment instead of collapsing to one character per line.
 * Runs on already-escaped text (only adds <wbr>, never touches entities).
 */
function breakablePath(escaped: string): string {
  return escaped.replace(/([/:?=,]|&amp;)(?=[^\s])/g, "$1<wbr>");
}

/**
 * An id with a hyphen ("i-0a1b2c3d4e5f60701", "us-east-1") would be broken after its hyphen, as text
 * may be: kept whole instead when it is short enough to fit a column. Longer tokens stay breakable.
 * Runs on already-escaped text: a token is whitespace-delimited, so no entity is ever cut.
 */
function keepIdsWhole(escaped: string): string {
  return escaped.replace(/\S+/g, (token) => (token.includes("-") && token.length <= 40 ? `<span class="id">${token}</span>` : token));
}
