/**
 * A playbook flowchart drawn as SVG text, in TypeScript, with no browser and no script: the report's
 * HTML and PDF carry the drawing itself (a few kilobytes) instead of a diagram library (megabytes), so
 * they stay small and work offline.
 *
 * The layout is a small layered one, enough for PB-31's flowcharts (a handful of nodes, a tree with
 * joins): rank = longest path from a root (back edges ignored), order within a rank by the mean
 * position of the parents, nodes centred under their parents and pushed apart where they overlap.
 * Deterministic: the same graph and language give the same bytes.
 *
 * Labels come from the playbook file but are escaped as XML text all the same, and characters XML
 * forbids are dropped, so the SVG stays well-formed whatever a playbook says.
 */
import type { Lang } from "../i18n/index.js";
import { pick } from "../i18n/index.js";
import type { Flowchart } from "../playbook/index.js";

export interface SvgOptions {
  /** Node ids of the path to highlight, in order; edges between consecutive ids are highlighted too. */
  highlight?: readonly string[];
  /** Accessible name of the drawing. */
  title?: string;
}

const FONT_SIZE = 13;
const LINE_HEIGHT = 17;
const MAX_LABEL_WIDTH = 210;
const PAD_X = 14;
const PAD_Y = 10;
const NODE_GAP = 36;
const RANK_GAP = 66;
/** Edge labels sit past the middle, towards the target, where sibling edges have moved apart. */
const LABEL_AT = 0.62;
const MAX_EDGE_LABEL_WIDTH = 150;
const MARGIN = 16;

const COLOURS = {
  onFill: "#fdebd0", onStroke: "#c0392b", onText: "#000000",
  offFill: "#f4f6f7", offStroke: "#aab7b8", offText: "#566573",
  plainFill: "#eaf2f8", plainStroke: "#2e86c1", plainText: "#1c2833",
  edge: "#7f8c8d", edgeOn: "#c0392b",
};

interface Box {
  id: string;
  lines: string[];
  decision: boolean;
  w: number;
  h: number;
  rank: number;
  /** Centre on the cross axis (x for top-down drawings) and on the rank axis. */
  cross: number;
  along: number;
  fill: string;
  stroke: string;
  text: string;
  strokeWidth: number;
  onPath: boolean;
}

export function flowchartSvg(graph: Flowchart, lang: Lang, opts: SvgOptions = {}): string {
  const path = opts.highlight ?? [];
  const highlighting = path.length > 0;
  const vertical = graph.direction === "TD" || graph.direction === "TB" || graph.direction === "BT";
  const boxes = new Map<string, Box>();
  for (const n of graph.nodes) {
    const label = n.icon ? `${n.icon} ${pick(n.label, lang)}` : pick(n.label, lang);
    const lines = wrap(label, MAX_LABEL_WIDTH);
    const textW = Math.max(...lines.map(textWidth));
    const textH = lines.length * LINE_HEIGHT;
    const decision = n.shape === "decision";
    const onPath = path.includes(n.id);
    const colours = nodeColours(onPath, highlighting, n.style);
    boxes.set(n.id, {
      id: n.id, lines, decision, rank: 0, cross: 0, along: 0, onPath, ...colours,
      w: decision ? Math.max(120, textW * 1.5 + 40) : Math.max(90, textW + 2 * PAD_X),
      h: decision ? Math.max(64, textH * 2 + 24) : textH + 2 * PAD_Y,
    });
  }
  const edges = graph.edges.filter((e) => boxes.has(e.from) && boxes.has(e.to));
  const forward = forwardEdges(graph, edges);
  assignRanks(boxes, forward);
  const ranks = orderRanks(graph, boxes, forward);
  place(ranks, forward, boxes, vertical);

  // Rank axis: a top-down drawing stacks ranks by node height, a left-right one by node width.
  const along = (b: Box) => (vertical ? b.h : b.w);
  const across = (b: Box) => (vertical ? b.w : b.h);
  let cursor = MARGIN;
  for (const rank of ranks) {
    const size = Math.max(...rank.map(along));
    for (const b of rank) b.along = cursor + size / 2;
    cursor += size + RANK_GAP;
  }
  const minCross = Math.min(...[...boxes.values()].map((b) => b.cross - across(b) / 2));
  for (const b of boxes.values()) b.cross += MARGIN - minCross;
  const crossSize = Math.max(...[...boxes.values()].map((b) => b.cross + across(b) / 2)) + MARGIN;
  const alongSize = cursor - RANK_GAP + MARGIN;
  const flipAlong = graph.direction === "BT" || graph.direction === "RL";
  if (flipAlong) for (const b of boxes.values()) b.along = alongSize - b.along;
  const width = Math.ceil(vertical ? crossSize : alongSize);
  const height = Math.ceil(vertical ? alongSize : crossSize);
  const xy = (b: Box) => (vertical ? { x: b.cross, y: b.along } : { x: b.along, y: b.cross });

  const out: string[] = [];
  const title = opts.title ?? pick(graph.title, lang);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${xml(title)}" font-size="${FONT_SIZE}">`,
    `<title>${xml(title)}</title>`,
    "<defs>",
    marker("mh-arrow", COLOURS.edge),
    marker("mh-arrow-on", COLOURS.edgeOn),
    "</defs>",
  );
  // Edges first, so nodes are drawn over their ends.
  for (const e of edges) {
    const a = boxes.get(e.from) as Box;
    const b = boxes.get(e.to) as Box;
    const on = isStep(path, e.from, e.to);
    const [x1, y1, x2, y2] = endpoints(xy(a), a, xy(b), b, vertical, flipAlong);
    const colour = on ? COLOURS.edgeOn : COLOURS.edge;
    out.push(`<g class="edge${on ? " on-path" : ""}" data-from="${xml(e.from)}" data-to="${xml(e.to)}">` +
      `<line x1="${n1(x1)}" y1="${n1(y1)}" x2="${n1(x2)}" y2="${n1(y2)}" stroke="${colour}" stroke-width="${on ? 3 : 1.5}" ` +
      `marker-end="url(#${on ? "mh-arrow-on" : "mh-arrow"})"/>` +
      (e.label ? edgeLabel(pick(e.label, lang), x1 + (x2 - x1) * LABEL_AT, y1 + (y2 - y1) * LABEL_AT, on) : "") +
      "</g>");
  }
  for (const b of boxes.values()) {
    const { x, y } = xy(b);
    const shape = b.decision
      ? `<polygon points="${n1(x)},${n1(y - b.h / 2)} ${n1(x + b.w / 2)},${n1(y)} ${n1(x)},${n1(y + b.h / 2)} ${n1(x - b.w / 2)},${n1(y)}"`
      : `<rect x="${n1(x - b.w / 2)}" y="${n1(y - b.h / 2)}" width="${n1(b.w)}" height="${n1(b.h)}" rx="6"`;
    out.push(`<g class="node${b.onPath ? " on-path" : ""}" data-node="${xml(b.id)}">` +
      `${shape} fill="${b.fill}" stroke="${b.stroke}" stroke-width="${b.strokeWidth}"/>` +
      textLines(b.lines, x, y, b.text, b.onPath) + "</g>");
  }
  out.push("</svg>");
  return out.join("\n");
}

function nodeColours(onPath: boolean, highlighting: boolean, style: Flowchart["nodes"][number]["style"]) {
  if (!highlighting) {
    return style
      ? { fill: style.fill, stroke: COLOURS.plainStroke, text: style.color ?? COLOURS.plainText, strokeWidth: 1.5 }
      : { fill: COLOURS.plainFill, stroke: COLOURS.plainStroke, text: COLOURS.plainText, strokeWidth: 1.5 };
  }
  if (!onPath) return { fill: COLOURS.offFill, stroke: COLOURS.offStroke, text: COLOURS.offText, strokeWidth: 1 };
  // The seed's own colours stay on the path, so the drawing still looks like the playbook's.
  return style
    ? { fill: style.fill, stroke: COLOURS.onStroke, text: style.color ?? COLOURS.onText, strokeWidth: 3 }
    : { fill: COLOURS.onFill, stroke: COLOURS.onStroke, text: COLOURS.onText, strokeWidth: 3 };
}

/** Edges of the graph minus those that close a cycle (found by a depth-first walk from the roots). */
function forwardEdges(graph: Flowchart, edges: Flowchart["edges"]): Flowchart["edges"] {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const hasParent = new Set(edges.map((e) => e.to));
  const roots = [
    ...(graph.start ? [graph.start] : []),
    ...graph.nodes.map((n) => n.id).filter((id) => !hasParent.has(id)),
    ...graph.nodes.map((n) => n.id),
  ];
  const state = new Map<string, "open" | "done">();
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, "open");
    for (const to of out.get(id) ?? []) {
      const s = state.get(to);
      if (s === "open") back.add(`${id}\0${to}`);
      else if (s === undefined) visit(to);
    }
    state.set(id, "done");
  };
  for (const r of roots) if (!state.has(r)) visit(r);
  return edges.filter((e) => !back.has(`${e.from}\0${e.to}`));
}

/** Longest path from a root; relaxation ends because the edges left have no cycle. */
function assignRanks(boxes: Map<string, Box>, edges: Flowchart["edges"]): void {
  for (let pass = 0; pass < boxes.size; pass++) {
    let changed = false;
    for (const e of edges) {
      const a = boxes.get(e.from) as Box;
      const b = boxes.get(e.to) as Box;
      if (b.rank < a.rank + 1) { b.rank = a.rank + 1; changed = true; }
    }
    if (!changed) break;
  }
}

/** Nodes per rank; within a rank, by the mean index of their parents (file order breaks ties). */
function orderRanks(graph: Flowchart, boxes: Map<string, Box>, edges: Flowchart["edges"]): Box[][] {
  const ranks: Box[][] = [];
  for (const n of graph.nodes) {
    const b = boxes.get(n.id) as Box;
    (ranks[b.rank] ??= []).push(b);
  }
  const filled = ranks.filter((r) => r !== undefined);
  const index = new Map<string, number>();
  filled[0]?.forEach((b, i) => index.set(b.id, i));
  for (let r = 1; r < filled.length; r++) {
    const rank = filled[r] as Box[];
    const key = new Map(rank.map((b, i) => {
      const parents = edges.filter((e) => e.to === b.id && index.has(e.from)).map((e) => index.get(e.from) as number);
      return [b.id, parents.length ? parents.reduce((s, v) => s + v, 0) / parents.length : i] as const;
    }));
    rank.sort((a, b) => (key.get(a.id) as number) - (key.get(b.id) as number));
    rank.forEach((b, i) => index.set(b.id, i));
  }
  return filled;
}

/** Cross-axis centres: under the parents' mean, pushed apart left to right, then re-centred. */
function place(ranks: Box[][], edges: Flowchart["edges"], boxes: Map<string, Box>, vertical: boolean): void {
  const size = (b: Box) => (vertical ? b.w : b.h);
  ranks.forEach((rank, r) => {
    const desired = rank.map((b) => {
      const parents = r === 0 ? [] : edges.filter((e) => e.to === b.id).map((e) => boxes.get(e.from) as Box).filter((p) => p.rank < b.rank);
      return parents.length ? parents.reduce((s, p) => s + p.cross, 0) / parents.length : 0;
    });
    // Siblings share one desired centre: spread them evenly around it before resolving overlaps.
    const total = rank.reduce((s, b) => s + size(b), 0) + NODE_GAP * (rank.length - 1);
    let x = -total / 2;
    const spread = rank.map((b) => { const c = x + size(b) / 2; x += size(b) + NODE_GAP; return c; });
    const allSame = desired.every((d) => d === desired[0]);
    rank.forEach((b, i) => { b.cross = allSame ? (desired[0] as number) + (spread[i] as number) : (desired[i] as number); });
    for (let i = 1; i < rank.length; i++) {
      const prev = rank[i - 1] as Box;
      const cur = rank[i] as Box;
      const min = prev.cross + size(prev) / 2 + NODE_GAP + size(cur) / 2;
      if (cur.cross < min) cur.cross = min;
    }
    if (!allSame) {
      const shift = rank.reduce((s, b, i) => s + ((desired[i] as number) - b.cross), 0) / rank.length;
      for (const b of rank) b.cross += shift;
    }
  });
}

/** From the edge of one node to the edge of the next along the rank axis. */
function endpoints(a: { x: number; y: number }, ab: Box, b: { x: number; y: number }, bb: Box, vertical: boolean, flip: boolean): [number, number, number, number] {
  const sign = flip ? -1 : 1;
  const back = vertical ? b.y * sign < a.y * sign : b.x * sign < a.x * sign;
  const s = back ? -sign : sign;
  if (vertical) return [a.x, a.y + (s * ab.h) / 2, b.x, b.y - (s * (bb.h / 2 + 2))];
  return [a.x + (s * ab.w) / 2, a.y, b.x - (s * (bb.w / 2 + 2)), b.y];
}

function edgeLabel(text: string, x: number, y: number, on: boolean): string {
  const lines = wrap(text, MAX_EDGE_LABEL_WIDTH);
  const w = Math.max(...lines.map(textWidth)) + 10;
  const h = lines.length * LINE_HEIGHT + 4;
  return `<rect x="${n1(x - w / 2)}" y="${n1(y - h / 2)}" width="${n1(w)}" height="${n1(h)}" fill="#ffffff" opacity="0.92"/>` +
    textLines(lines, x, y, on ? COLOURS.edgeOn : COLOURS.offText, on);
}

function textLines(lines: readonly string[], x: number, y: number, colour: string, bold: boolean): string {
  const top = y - ((lines.length - 1) * LINE_HEIGHT) / 2;
  return `<text x="${n1(x)}" y="${n1(top)}" fill="${colour}" text-anchor="middle" dominant-baseline="central"${bold ? ` font-weight="bold"` : ""}>` +
    lines.map((l, i) => `<tspan x="${n1(x)}" y="${n1(top + i * LINE_HEIGHT)}">${xml(l)}</tspan>`).join("") + "</text>";
}

function marker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
    `<path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
}

function isStep(path: readonly string[], from: string, to: string): boolean {
  for (let i = 0; i + 1 < path.length; i++) if (path[i] === from && path[i + 1] === to) return true;
  return false;
}

/** Words onto lines no wider than max (a single long word keeps its own line). */
function wrap(text: string, max: number): string[] {
  const words = text.replace(/[\r\n\t]+/g, " ").split(" ").filter((w) => w !== "");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next) > max) { lines.push(line); line = word; } else line = next;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Estimated width in pixels at FONT_SIZE: no font metrics without a browser, so a generous guess per
 * character class (Thai vowel and tone marks sit above or below and take no width; emoji are wide).
 */
export function textWidth(text: string): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (c === 0xfe0f || c === 0x200d || (c >= 0x0e31 && c <= 0x0e3a && c !== 0x0e32 && c !== 0x0e33) || (c >= 0x0e47 && c <= 0x0e4e)) continue;
    if (c >= 0x1f000 || (c >= 0x2190 && c <= 0x2bff)) em += 1.25;
    else if (c >= 0x0e00 && c <= 0x0e7f) em += 0.62;
    else if (c >= 0x41 && c <= 0x5a) em += 0.68;
    else if (c < 0x80) em += 0.56;
    else em += 0.9;
  }
  return em * FONT_SIZE;
}

/** XML text or attribute value: markup escaped, characters XML 1.0 does not allow dropped. */
export function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/gu, "") // with "u", only lone surrogates match
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function n1(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
