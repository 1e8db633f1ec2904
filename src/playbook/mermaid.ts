/**
 * Mermaid text for the playbook's diagrams, in either language, optionally with one path highlighted
 * (the decision path an incident took). Labels come from the playbook file; they are still escaped
 * with mermaid's entity codes so no label can break out of its quotes.
 */
import type { Lang } from "../i18n/index.js";
import { pick } from "../i18n/index.js";
import type { Flowchart, Graph, SequenceGraph } from "./schema.js";

export interface MermaidOptions {
  /** Node ids of a path to highlight, in order; edges between consecutive ids are highlighted too. */
  highlight?: readonly string[];
}

const ON_PATH = "fill:#fdebd0,stroke:#c0392b,stroke-width:3px,color:#000";
const OFF_PATH = "fill:#f4f6f7,stroke:#aab7b8,color:#566573";
const PATH_LINK = "stroke:#c0392b,stroke-width:3px";

export function toMermaid(graph: Graph, lang: Lang, opts: MermaidOptions = {}): string {
  return graph.type === "flowchart" ? flowchart(graph, lang, opts) : sequence(graph, lang);
}

function flowchart(g: Flowchart, lang: Lang, opts: MermaidOptions): string {
  const lines = [`flowchart ${g.direction}`];
  for (const n of g.nodes) {
    const text = quote(n.icon ? `${n.icon} ${pick(n.label, lang)}` : pick(n.label, lang));
    lines.push(n.shape === "decision" ? `  ${n.id}{${text}}` : `  ${n.id}[${text}]`);
  }
  g.edges.forEach((e) => {
    const label = e.label ? `|${quote(pick(e.label, lang))}|` : "";
    lines.push(`  ${e.from} -->${label} ${e.to}`);
  });
  const path = opts.highlight ?? [];
  if (path.length > 0) {
    const on = g.nodes.filter((n) => path.includes(n.id)).map((n) => n.id);
    const off = g.nodes.filter((n) => !path.includes(n.id)).map((n) => n.id);
    lines.push(`  classDef onPath ${ON_PATH}`, `  classDef offPath ${OFF_PATH}`);
    if (on.length) lines.push(`  class ${on.join(",")} onPath`);
    if (off.length) lines.push(`  class ${off.join(",")} offPath`);
    const links = g.edges.flatMap((e, i) => (isStep(path, e.from, e.to) ? [i] : []));
    if (links.length) lines.push(`  linkStyle ${links.join(",")} ${PATH_LINK}`);
  }
  // The seed's own colours; on a highlighted drawing only for nodes on the path, so the path stays legible.
  for (const n of g.nodes) {
    if (!n.style || (path.length > 0 && !path.includes(n.id))) continue;
    lines.push(`  style ${n.id} fill:${n.style.fill}${n.style.color ? `,color:${n.style.color}` : ""}`);
  }
  return lines.join("\n");
}

function isStep(path: readonly string[], from: string, to: string): boolean {
  for (let i = 0; i + 1 < path.length; i++) if (path[i] === from && path[i + 1] === to) return true;
  return false;
}

function sequence(g: SequenceGraph, lang: Lang): string {
  const lines = ["sequenceDiagram"];
  for (const p of g.participants) lines.push(p.label ? `  participant ${p.id} as ${seqText(p.label)}` : `  participant ${p.id}`);
  for (const m of g.messages) lines.push(`  ${m.from}${m.arrow}${m.to}: ${seqText(pick(m.text, lang))}`);
  return lines.join("\n");
}

/** A quoted flowchart label on one line: quotes, pipes, angle brackets and # become mermaid entity codes. */
function quote(text: string): string {
  return `"${entities(text.replace(/[\r\n]+/g, " "), ["#", "\"", "|", "<", ">"])}"`;
}

/** Sequence text ends at a newline and treats ; and # specially. */
function seqText(text: string): string {
  return entities(text.replace(/[\r\n]+/g, " "), ["#", ";", "<", ">"]);
}

function entities(text: string, chars: readonly string[]): string {
  let out = "";
  for (const ch of text) out += chars.includes(ch) ? `#${ch.codePointAt(0)};` : ch;
  return out;
}
