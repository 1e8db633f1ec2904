/**
 * Walking a decision graph: from the start node, follow the only edge, or at a fork the first edge
 * whose condition holds (the "otherwise" edge when none does), until a node with no way out.
 */
import type { Bilingual, Decision } from "../model/index.js";
import { interpolate } from "../i18n/index.js";
import type { Lang, Params } from "../i18n/index.js";
import { evaluate } from "./evaluate.js";
import type { EvalContext } from "./evaluate.js";
import type { Flowchart, GraphEdge, Playbook } from "./schema.js";

export function decisionGraph(pb: Playbook): Flowchart | undefined {
  const g = pb.graphs.find((x) => x.id === pb.decisionGraph);
  return g && g.type === "flowchart" ? g : undefined;
}

/** `params` fills the reasons' {placeholders}, per language. */
export function walkDecision(pb: Playbook, ctx: EvalContext, params: (lang: Lang) => Params): Decision {
  const graph = decisionGraph(pb);
  if (!graph || graph.start === undefined) throw new Error(`${pb.id} has no decision graph to walk`);
  const path: string[] = [];
  const reasons: Bilingual[] = [];
  let outcome: Decision["outcome"] | undefined;
  let action: Bilingual | undefined;
  let current: string | undefined = graph.start;
  // Each node at most once: the schema does not forbid cycles, the walk must still end.
  while (current !== undefined && !path.includes(current)) {
    const node = graph.nodes.find((n) => n.id === current);
    if (!node) break;
    path.push(node.id);
    if (node.outcome) {
      outcome = node.outcome;
      action = node.action ?? node.label;
    }
    const edge = chooseEdge(graph.edges.filter((e) => e.from === node.id), ctx);
    if (edge?.reason) reasons.push({ en: interpolate(edge.reason.en, params("en")), th: interpolate(edge.reason.th, params("th")) });
    current = edge?.to;
  }
  if (!outcome || !action) throw new Error(`${pb.id}: the decision walk ${path.join(" → ")} reached no outcome node`);
  return { playbook: pb.id, path, outcome, action, reasons };
}

function chooseEdge(out: readonly GraphEdge[], ctx: EvalContext): GraphEdge | undefined {
  if (out.length <= 1) return out[0];
  for (const e of out) if (e.when !== undefined && evaluate(e.when, ctx).value) return e;
  return out.find((e) => e.otherwise);
}
