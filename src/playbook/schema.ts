/**
 * The shape of a playbook file (playbooks/*.yaml). Checked on load; every error names the path in the
 * document and what was expected (load.ts adds the file and line).
 *
 * Generic on purpose: PB-31 fills every part, another playbook (PB-16, PB-32) may leave out the
 * diagrams, checklists or rules it does not have.
 */
import { z } from "zod";
import { HOST_TYPES, PRIORITIES, SEVERITIES, TRIGGERS } from "../model/index.js";
import { BilingualSchema } from "../model/schemas.js";
import { ConditionSchema } from "./condition.js";

const ID = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "an id of letters, digits, '-' or '_'");
const ACTION_NAME = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "a response action name in kebab-case");
const PLAYBOOK_ID = z.string().regex(/^PB-\d+$/, "a playbook id like PB-16");
const COLOUR = z.string().regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/, "a colour like #e74c3c");

const NodeSchema = z.object({
  id: ID,
  /** box: ["label"], decision: {"label"} in mermaid. */
  shape: z.enum(["box", "decision"]),
  icon: z.string().optional(),
  label: BilingualSchema,
  style: z.object({ fill: COLOUR, color: COLOUR.optional() }).strict().optional(),
  /** Decision graphs: the outcome this node stands for, and what it asks for. */
  outcome: z.enum(["single", "multi"]).optional(),
  action: BilingualSchema.optional(),
}).strict();

const EdgeSchema = z.object({
  from: ID,
  to: ID,
  label: BilingualSchema.optional(),
  /** Decision graphs: the branch is taken when this holds (first matching edge wins). */
  when: ConditionSchema.optional(),
  /** Decision graphs: the branch taken when no other edge's "when" holds. */
  otherwise: z.literal(true).optional(),
  /** Why the branch was taken, with {param} placeholders (see assess.ts). */
  reason: BilingualSchema.optional(),
}).strict();

const FlowchartSchema = z.object({
  id: ID,
  type: z.literal("flowchart"),
  direction: z.enum(["TD", "TB", "LR", "RL", "BT"]),
  title: BilingualSchema,
  /** Where a walk of the graph begins (decision graphs). */
  start: ID.optional(),
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema),
}).strict();

const SequenceSchema = z.object({
  id: ID,
  type: z.literal("sequence"),
  title: BilingualSchema,
  participants: z.array(z.object({ id: ID, label: z.string().optional() }).strict()).min(1),
  messages: z.array(z.object({
    from: ID,
    to: ID,
    arrow: z.enum(["->>", "-->>", "->", "-->"]),
    text: BilingualSchema,
  }).strict()),
}).strict();

const GraphSchema = z.discriminatedUnion("type", [FlowchartSchema, SequenceSchema]);

const AnalysisItemSchema = z.object({
  id: ID,
  text: BilingualSchema,
  how: BilingualSchema,
  answeredBy: ConditionSchema,
}).strict();

const ActionItemSchema = z.object({
  id: ID,
  text: BilingualSchema,
  tools: BilingualSchema.optional(),
  /** Response actions (by name) that carry the item out, for the response engine. */
  actions: z.array(ACTION_NAME),
  /** Parameters for those actions (ports to block, ...). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])).optional(),
  answeredBy: ConditionSchema,
}).strict();

const EscalationRuleSchema = z.object({
  id: ID,
  text: BilingualSchema,
  target: BilingualSchema,
  playbook: PLAYBOOK_ID.optional(),
  when: ConditionSchema,
  reason: BilingualSchema,
}).strict();

const SeverityRuleSchema = z.object({
  id: ID,
  when: ConditionSchema,
  severity: z.enum(SEVERITIES),
  reason: BilingualSchema,
}).strict();

const PlaybookObjectSchema = z.object({
  schemaVersion: z.literal(1),
  id: PLAYBOOK_ID,
  name: BilingualSchema,
  severity: z.enum(SEVERITIES),
  severityLabel: BilingualSchema,
  category: BilingualSchema,
  mitre: z.array(z.object({
    technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, "a MITRE technique id like T1496"),
    name: z.string(),
    tactic: z.string().regex(/^TA\d{4}$/, "a MITRE tactic id like TA0040"),
    tacticName: z.string(),
  }).strict()).min(1),
  triggers: z.array(z.object({ trigger: z.enum(TRIGGERS), text: BilingualSchema }).strict()).default([]),
  related: z.array(PLAYBOOK_ID).default([]),
  graphs: z.array(GraphSchema).default([]),
  /** Id of the flowchart that assess() walks. */
  decisionGraph: ID.optional(),
  analysis: z.array(AnalysisItemSchema).default([]),
  containment: z.array(ActionItemSchema).default([]),
  regionSweep: z.object({
    title: BilingualSchema,
    commands: z.array(z.object({
      provider: z.enum(["aws", "azure", "gcp"]),
      comment: BilingualSchema,
      action: ACTION_NAME.optional(),
      /** Shown to people and handed to the response engine's plan; never run by minerhunt as text. */
      shell: z.string().min(1),
    }).strict()).min(1),
  }).strict().optional(),
  eradication: z.array(ActionItemSchema).default([]),
  recovery: z.array(ActionItemSchema).default([]),
  escalations: z.array(EscalationRuleSchema).default([]),
  severityRules: z.array(SeverityRuleSchema).default([]),
  indicators: z.array(z.object({
    id: ID,
    indicator: BilingualSchema,
    source: BilingualSchema,
    threshold: BilingualSchema,
    value: z.object({ metric: z.string(), gt: z.number(), minutes: z.number().positive().optional() }).strict().optional(),
  }).strict()).default([]),
  impact: z.object({
    rows: z.array(z.object({
      hostType: z.enum(HOST_TYPES).exclude(["unknown"]),
      text: BilingualSchema,
      impact: BilingualSchema,
      priority: z.enum(PRIORITIES),
    }).strict()).min(1),
    unknown: z.object({ priority: z.enum(PRIORITIES), reason: BilingualSchema }).strict(),
  }).strict().optional(),
  knownBinaries: z.array(z.object({ name: z.string().min(1), kind: BilingualSchema, coin: BilingualSchema }).strict()).default([]),
  poolIndicators: z.object({
    rows: z.array(z.object({ id: ID, indicator: BilingualSchema, value: BilingualSchema }).strict()),
    ports: z.array(z.number().int().min(1).max(65535)),
    schemes: z.array(z.string().min(1)),
    dnsPrefixes: z.array(z.string().min(1)),
  }).strict().optional(),
}).strict();

export const PlaybookSchema = PlaybookObjectSchema.superRefine(checkReferences);

export type Playbook = z.output<typeof PlaybookObjectSchema>;
export type Graph = Playbook["graphs"][number];
export type Flowchart = Extract<Graph, { type: "flowchart" }>;
export type SequenceGraph = Extract<Graph, { type: "sequence" }>;
export type GraphNode = Flowchart["nodes"][number];
export type GraphEdge = Flowchart["edges"][number];
export type AnalysisItem = Playbook["analysis"][number];
export type ActionItem = Playbook["containment"][number];
export type EscalationRule = Playbook["escalations"][number];
export type ChecklistPhase = "analysis" | "containment" | "eradication" | "recovery";

/** What a schema cannot say alone: ids are unique and every reference points at something. */
function checkReferences(pb: Playbook, ctx: z.RefinementCtx<Playbook>): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  const graphIds = new Set<string>();
  pb.graphs.forEach((g, gi) => {
    if (graphIds.has(g.id)) issue(["graphs", gi, "id"], `duplicate graph id '${g.id}'`);
    graphIds.add(g.id);
    if (g.type === "flowchart") checkFlowchart(g, ["graphs", gi], issue);
    else {
      const ids = new Set(g.participants.map((p) => p.id));
      g.messages.forEach((m, mi) => {
        for (const end of ["from", "to"] as const) {
          if (!ids.has(m[end])) issue(["graphs", gi, "messages", mi, end], `unknown participant '${m[end]}' (expected one of ${[...ids].join(", ")})`);
        }
      });
    }
  });

  if (pb.decisionGraph !== undefined) {
    const gi = pb.graphs.findIndex((g) => g.id === pb.decisionGraph);
    const g = pb.graphs[gi];
    if (!g) issue(["decisionGraph"], `no graph with id '${pb.decisionGraph}'`);
    else if (g.type !== "flowchart") issue(["decisionGraph"], `graph '${g.id}' is a ${g.type}; a decision graph must be a flowchart`);
    else checkDecisionGraph(g, ["graphs", gi], issue);
  }

  const phases = ["analysis", "containment", "eradication", "recovery", "escalations", "severityRules"] as const;
  for (const phase of phases) {
    const seen = new Set<string>();
    pb[phase].forEach((item, i) => {
      if (seen.has(item.id)) issue([phase, i, "id"], `duplicate id '${item.id}' in ${phase}`);
      seen.add(item.id);
    });
  }
  if (pb.impact) {
    const seen = new Set<string>();
    pb.impact.rows.forEach((r, i) => {
      if (seen.has(r.hostType)) issue(["impact", "rows", i, "hostType"], `host type '${r.hostType}' listed twice`);
      seen.add(r.hostType);
    });
  }
}

type Issue = (path: (string | number)[], message: string) => void;

function checkFlowchart(g: Flowchart, at: (string | number)[], issue: Issue): void {
  const ids = new Set<string>();
  g.nodes.forEach((n, ni) => {
    if (ids.has(n.id)) issue([...at, "nodes", ni, "id"], `duplicate node id '${n.id}'`);
    ids.add(n.id);
  });
  g.edges.forEach((e, ei) => {
    for (const end of ["from", "to"] as const) {
      if (!ids.has(e[end])) issue([...at, "edges", ei, end], `unknown node '${e[end]}' (expected one of ${[...ids].join(", ")})`);
    }
    if (e.when !== undefined && e.otherwise) issue([...at, "edges", ei], "an edge has either 'when' or 'otherwise', not both");
  });
  if (g.start !== undefined && !ids.has(g.start)) issue([...at, "start"], `unknown start node '${g.start}'`);
}

/** A walkable decision graph: a start, and at every fork conditions that choose exactly one branch. */
function checkDecisionGraph(g: Flowchart, at: (string | number)[], issue: Issue): void {
  if (g.start === undefined) issue([...at, "start"], "a decision graph needs a 'start' node");
  for (const n of g.nodes) {
    const out = g.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.from === n.id);
    if (out.length < 2) continue;
    const otherwise = out.filter(({ e }) => e.otherwise);
    const unconditioned = out.filter(({ e }) => !e.otherwise && e.when === undefined);
    const second = otherwise[1];
    if (second) issue([...at, "edges", second.i], `node '${n.id}' has more than one 'otherwise' edge`);
    for (const { i } of unconditioned) issue([...at, "edges", i], `node '${n.id}' forks: each of its edges needs 'when' (or one 'otherwise')`);
  }
  if (!g.nodes.some((n) => n.outcome !== undefined)) issue([...at, "nodes"], "a decision graph needs at least one node with an 'outcome'");
}
