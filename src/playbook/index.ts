/** The playbook module's public face: load playbooks, evaluate conditions, assess incidents, draw graphs. */
export { assess, mergeChecklist } from "./assess.js";
export { parseCondition, ConditionSchema, OPERATORS, CONFIG_REFS, INCIDENT_FACTS, SCOPE_KINDS } from "./condition.js";
export type { Condition, FindingMatch, Comparison } from "./condition.js";
export { evaluate, matchesFinding } from "./evaluate.js";
export type { EvalContext, EvalResult } from "./evaluate.js";
export { decisionGraph, walkDecision } from "./decision.js";
export { classifyHosts, globMatch, typeFromName } from "./hosttype.js";
export { PLAYBOOK_DIR, PlaybookError, choosePlaybook, formatProblem, loadPlaybook, loadPlaybookFile, loadPlaybooks, parsePlaybook } from "./load.js";
export { choosePlaybookFast } from "./load-fast.js";
export type { PlaybookLoadOptions, PlaybookProblem } from "./load.js";
export { toMermaid } from "./mermaid.js";
export type { MermaidOptions } from "./mermaid.js";
export { PlaybookSchema } from "./schema.js";
export type {
  ActionItem, AnalysisItem, ChecklistPhase, EscalationRule, Flowchart, Graph, GraphEdge, GraphNode, Playbook, SequenceGraph,
} from "./schema.js";
export type { AssessInput, Assessment, HostClassification } from "./types.js";
