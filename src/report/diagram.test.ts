import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlaybook } from "../playbook/index.js";
import type { Flowchart } from "../playbook/index.js";
import { flowchartSvg, textWidth, xml } from "./diagram.js";

const pb = loadPlaybook("PB-31");
const flowcharts = pb.graphs.filter((g): g is Flowchart => g.type === "flowchart");
const decision = flowcharts.find((g) => g.id === pb.decisionGraph)!;
const PATH = ["Alert", "Env", "OnPrem", "Scope", "Single"];

/**
 * XML well-formedness as far as this SVG needs it: every tag closed in order, attributes quoted, no raw
 * "<" or stray "&" in text, only the five predefined entities or numeric ones. Returns the first problem.
 */
function xmlProblem(doc: string): string | undefined {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of doc.matchAll(token)) {
    if (m[6]) return `a "<" that starts no tag at ${m.index}`;
    const text = m[5] ?? m[3] ?? "";
    const amp = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(text);
    if (amp) return `a bare "&" at ${m.index}`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return `a control character at ${m.index}`;
    if (m[5] !== undefined) continue;
    const [close, name, , selfClosing] = [m[1], m[2]!, m[3], m[4]];
    if (close) { if (stack.pop() !== name) return `</${name}> closes nothing open at ${m.index}`; } else if (!selfClosing) stack.push(name);
  }
  return stack.length ? `unclosed <${stack.join("><")}>` : undefined;
}

test("every PB-31 flowchart, both languages: well-formed SVG, one node group per node, one edge group per edge", () => {
  assert.ok(flowcharts.length >= 3);
  for (const g of flowcharts) {
    for (const lang of ["en", "th"] as const) {
      const svg = flowchartSvg(g, lang);
      assert.equal(xmlProblem(svg), undefined, `${g.id} ${lang}`);
      assert.ok(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" class="flowchart" viewBox="0 0 `));
      assert.equal((svg.match(/<g class="node/g) ?? []).length, g.nodes.length);
      assert.equal((svg.match(/<g class="edge/g) ?? []).length, g.edges.length);
      assert.ok(svg.length < 20_000, `${g.id}: ${svg.length} bytes`);
    }
  }
});

test("the path is highlighted: its nodes and only its consecutive edges, in red; no path, no highlight", () => {
  const svg = flowchartSvg(decision, "en", { highlight: PATH });
  const onNodes = [...svg.matchAll(/<g class="node on-path" data-node="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(onNodes.sort(), [...PATH].sort());
  const onEdges = [...svg.matchAll(/<g class="edge on-path" data-from="([^"]+)" data-to="([^"]+)">/g)].map((m) => `${m[1]}>${m[2]}`);
  assert.deepEqual(onEdges.sort(), ["Alert>Env", "Env>OnPrem", "OnPrem>Scope", "Scope>Single"]);
  assert.match(svg, /data-from="Scope" data-to="Single"><line [^>]*stroke="#c0392b" stroke-width="3" marker-end="url\(#mh-arrow-on\)"/);
  assert.match(svg, /<g class="node" data-node="Cloud"><rect [^>]*fill="#f4f6f7"/, "off the path: grey");
  const plain = flowchartSvg(decision, "en");
  assert.doesNotMatch(plain, /on-path/);
});

test("layout: deterministic, nodes inside the drawing and not overlapping, ranks top-down (left-right for LR)", () => {
  for (const g of flowcharts) {
    const a = flowchartSvg(g, "th", { highlight: PATH });
    assert.equal(flowchartSvg(g, "th", { highlight: PATH }), a, "same input, same bytes");
    const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(a)!.map(Number) as [number, number, number];
    const boxes = [...a.matchAll(/<g class="node[^"]*" data-node="([^"]+)"><(rect|polygon) ([^>]*)\/>/g)].map((m) => {
      const attrs = m[3]!;
      if (m[2] === "rect") {
        const n = (k: string) => Number(new RegExp(`${k}="([\\d.-]+)"`).exec(attrs)![1]);
        return { id: m[1]!, x0: n("x"), y0: n("y"), x1: n("x") + n("width"), y1: n("y") + n("height") };
      }
      const pts = /points="([^"]+)"/.exec(attrs)![1]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]);
      return { id: m[1]!, x0: Math.min(...pts.map((p) => p[0])), y0: Math.min(...pts.map((p) => p[1])), x1: Math.max(...pts.map((p) => p[0])), y1: Math.max(...pts.map((p) => p[1])) };
    });
    assert.equal(boxes.length, g.nodes.length);
    for (const b of boxes) assert.ok(b.x0 >= 0 && b.y0 >= 0 && b.x1 <= w && b.y1 <= h, `${g.id}/${b.id} inside ${w}x${h}`);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const p = boxes[i]!;
        const q = boxes[j]!;
        const overlap = p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1;
        assert.ok(!overlap, `${g.id}: ${p.id} overlaps ${q.id}`);
      }
    }
    const byId = new Map(boxes.map((b) => [b.id, b]));
    const vertical = g.direction === "TD" || g.direction === "TB";
    for (const e of g.edges) {
      const from = byId.get(e.from)!;
      const to = byId.get(e.to)!;
      if (vertical) assert.ok(to.y0 >= from.y1, `${g.id}: ${e.from} above ${e.to}`);
      else if (g.direction === "LR") assert.ok(to.x0 >= from.x1, `${g.id}: ${e.from} left of ${e.to}`);
    }
  }
});

test("hostile labels are XML text: markup, quotes, ampersands and control characters cannot break out", () => {
  const evil: Flowchart = {
    id: "evil", type: "flowchart", direction: "TD", title: { en: `t"><script>alert(1)</script>`, th: "t" }, start: "A",
    nodes: [
      { id: "A", shape: "box", label: { en: `<img src=x onerror=alert(1)> & "q" 'a' \u0007\u001b[2J`, th: "x" } },
      { id: "B", shape: "decision", label: { en: "]]><!-- --></text></svg><svg onload=alert(2)>", th: "y" } },
      { id: "C", shape: "box", label: { en: "loop back", th: "z" } },
    ],
    edges: [
      { from: "A", to: "B", label: { en: `</tspan><a href="javascript:alert(3)">x</a>`, th: "e" } },
      { from: "B", to: "C" },
      { from: "C", to: "A" },
    ],
  };
  const svg = flowchartSvg(evil, "en", { highlight: ["A", "B"] });
  assert.equal(xmlProblem(svg), undefined);
  for (const bad of ["<img", "<script", "<svg onload", "<a href", "</text></svg>", "<!--"]) assert.ok(!svg.includes(bad), bad);
  // The label wraps over several <tspan> lines; each piece is escaped.
  for (const piece of ["&lt;img", "onerror=alert(1)&gt;", "&amp;", "&quot;q&quot;", "&#39;a&#39;", "&lt;/tspan&gt;&lt;a", "href=&quot;javascript:alert(3)&quot;&gt;x&lt;/a&gt;"]) {
    assert.ok(svg.includes(piece), piece);
  }
  assert.equal((svg.match(/<svg /g) ?? []).length, 1);
  assert.ok(!svg.includes("\u0007") && !svg.includes("\u001b"), "control characters dropped");
  assert.equal((svg.match(/<g class="node/g) ?? []).length, 3, "a cycle (C → A) is drawn, not looped over");
  assert.equal(xml("a\ud800b"), "ab", "a lone surrogate is dropped");
});

test("text width: Thai vowel and tone marks take no width, emoji are wide", () => {
  assert.ok(textWidth("ที่") < textWidth("ทxx"));
  assert.ok(textWidth("🚨") > textWidth("a"));
  assert.equal(textWidth("☁️"), textWidth("☁"), "the emoji variation selector takes no width");
});
