/**
 * "What was done": the response plans with each step's latest status and its verification, the
 * approvals, the checklist items analysts ticked, their notes, the status history and the closing
 * (who, when, why). Built from the records passed in (ViewOptions); nothing here reads a store.
 */
import type { Incident, Plan, PlanStep, StepRun } from "../model/index.js";
import { formatTime, formatUsd, pick, t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";
import type { ChecklistPhase, Playbook } from "../playbook/index.js";
import type { Block, Section, ViewOptions } from "./view-model.js";

/** Rows per table in this section; a long-running incident's history is capped, newest kept. */
const MAX_ROWS = 40;
const MAX_PLANS = 3;

export function doneSection(incident: Incident, opts: ViewOptions): Section {
  const { lang } = opts;
  const blocks: Block[] = [];
  const plans = [...(opts.plans ?? [])].filter((p) => p.incidentId === undefined || p.incidentId === incident.id)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  // The latest plans in full; older ones (superseded by re-planning) only counted, so the report stays short.
  for (const plan of plans.slice(-MAX_PLANS)) blocks.push(...planBlocks(plan, opts));
  if (plans.length > MAX_PLANS) blocks.push({ kind: "paragraph", text: t(lang, "report.truncated", { shown: MAX_PLANS, total: plans.length }), tone: "muted" });
  if (opts.actions?.length) {
    blocks.push({
      kind: "table",
      headers: [t(lang, "actions.time"), t(lang, "actions.action"), t(lang, "actions.status"), t(lang, "actions.target")],
      rows: opts.actions.slice(-MAX_ROWS).map((r) => [formatTime(r.at), r.name, t(lang, `rpt.actionStatus.${r.status}`), r.target]),
      code: [1, 3],
    });
  }
  const ticked = incident.checklist.filter((c) => c.done && c.answeredBy === "analyst");
  if (ticked.length) {
    blocks.push({
      kind: "table",
      caption: t(lang, "rpt.done.analystItems"),
      headers: [t(lang, "rpt.done.item"), t(lang, "rpt.done.by"), t(lang, "rpt.done.at"), t(lang, "rpt.done.answer")],
      rows: ticked.map((c) => [itemText(opts.playbook, c.id, lang), c.by ?? "", c.at ? formatTime(c.at) : "", c.answer ?? ""]),
    });
  }
  if (blocks.length === 0) blocks.push({ kind: "paragraph", text: t(lang, "actions.none"), tone: "muted" });

  const notes = opts.notes ?? [];
  blocks.push(notes.length
    ? {
      kind: "table", caption: t(lang, "rpt.notes.title"),
      headers: [t(lang, "rpt.done.at"), t(lang, "rpt.notes.author"), t(lang, "rpt.notes.text")],
      rows: notes.slice(-MAX_ROWS).map((n) => [formatTime(n.at), n.author, n.text]),
    }
    : { kind: "paragraph", text: `${t(lang, "rpt.notes.title")}: ${t(lang, "rpt.notes.none")}`, tone: "muted" });

  const history = (opts.history ?? []).filter((e) => e.kind !== "note");
  if (history.length) {
    blocks.push({
      kind: "table", caption: t(lang, "rpt.history.title"),
      headers: [t(lang, "rpt.done.at"), t(lang, "rpt.history.who"), t(lang, "rpt.history.what")],
      rows: history.slice(-MAX_ROWS).map((e) => [formatTime(e.at), e.actor, historyText(e, opts.playbook, lang)]),
    });
  }
  const closed = closure(incident, opts);
  if (closed) {
    blocks.push({ kind: "keyValue", rows: [[t(lang, "rpt.field.closedBy"), `${closed.by} (${closed.at})`], [t(lang, "rpt.field.closeReason"), closed.reason]] });
  }
  return { id: "actions", title: t(lang, "rpt.section.done"), blocks };
}

function planBlocks(plan: Plan, opts: ViewOptions): Block[] {
  const { lang } = opts;
  const runs = (opts.stepRuns ?? []).filter((r) => r.planId === plan.id);
  const approvals = (opts.approvals ?? []).filter((a) => a.planId === plan.id);
  const head = t(lang, "rpt.plan.head", {
    id: plan.id, mode: t(lang, `rpt.plan.mode.${plan.mode}`), by: plan.createdBy, at: formatTime(plan.createdAt), steps: plan.steps.length,
    perHour: t(lang, "rpt.perHour", { amount: formatUsd(plan.usdPerHour) }),
  });
  const approval = approvals.length === 0
    ? [t(lang, "rpt.plan.notApproved")]
    : approvals.map((a) => a.planHash === plan.hash
      ? t(lang, "rpt.plan.approved", { by: a.by, at: formatTime(a.at), reason: a.reason })
      : t(lang, "rpt.plan.approvalVoid", { by: a.by, at: formatTime(a.at) }));
  const blocks: Block[] = [{ kind: "paragraph", text: [head, ...approval].join(" ") }];
  if (plan.unreachable.length) {
    blocks.push({ kind: "list", items: plan.unreachable.map((u) => t(lang, "rpt.plan.unreachable", { scope: u.scope, reason: u.reason })) });
  }
  blocks.push({
    kind: "table",
    headers: ["#", t(lang, "rpt.step.action"), t(lang, "rpt.step.target"), t(lang, "rpt.step.items"), t(lang, "rpt.step.status"),
      t(lang, "rpt.step.when"), t(lang, "rpt.step.verification")],
    rows: plan.steps.slice(0, MAX_ROWS).map((s, i) => stepRow(s, i, latestRun(runs, s.id), opts)),
    code: [1],
  });
  return blocks;
}

function stepRow(step: PlanStep, i: number, run: StepRun | undefined, opts: ViewOptions): string[] {
  const { lang } = opts;
  const target = step.target.label ?? `${step.target.kind} ${step.target.id}`;
  const items = step.checklistItems.map((id) => itemText(opts.playbook, id, lang)).join("; ");
  let status: string;
  let verification = "";
  if (step.refused && (!run || run.status === "refused")) {
    status = t(lang, "rpt.stepStatus.refused");
    verification = t(lang, "rpt.step.refused", { reason: pick(step.refused.reason, lang) });
  } else if (!run) {
    status = t(lang, "rpt.step.notRun");
  } else {
    const word = t(lang, `rpt.stepStatus.${run.status}`);
    status = run.dryRun ? t(lang, "rpt.step.dryRun", { status: word }) : word;
    verification = run.error ? t(lang, "rpt.step.error", { error: run.error }) : run.observed ? stateText(run.observed) : "";
  }
  const when = run ? `${formatTime(run.at)}, ${run.by}` : "";
  return [String(i + 1), step.action, target, items, status, when, verification];
}

/** The latest run of a step is its status (runs are in the order they were written; time breaks no ties). */
function latestRun(runs: readonly StepRun[], stepId: string): StepRun | undefined {
  let last: StepRun | undefined;
  for (const r of runs) if (r.stepId === stepId) last = r;
  return last;
}

/** An observed state as "key=value" pairs, short. */
function stateText(state: Record<string, unknown>): string {
  const text = Object.entries(state).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** How many steps were really carried out (executed or verified, not dry runs), for the summary. */
export function stepsCarriedOut(opts: ViewOptions): number {
  const done = new Set<string>();
  for (const r of opts.stepRuns ?? []) {
    const key = `${r.planId}\0${r.stepId}`;
    if (!r.dryRun && (r.status === "executed" || r.status === "verified")) done.add(key);
    else if (r.status === "undone") done.delete(key);
  }
  return done.size + (opts.actions ?? []).filter((a) => a.status === "done" || a.status === "verified").length;
}

/** Who closed the incident, when and why, from its history; undefined while it is open. */
export function closure(incident: Incident, opts: ViewOptions): { by: string; at: string; reason: string } | undefined {
  if (incident.status !== "closed") return undefined;
  const entry = [...(opts.history ?? [])].reverse().find((e) => e.kind === "closed");
  if (!entry) return undefined;
  const reason = typeof entry.data["reason"] === "string" && entry.data["reason"] !== "" ? entry.data["reason"] : t(opts.lang, "rpt.noReason");
  return { by: entry.actor, at: formatTime(entry.at), reason };
}

function historyText(e: NonNullable<ViewOptions["history"]>[number], playbook: Playbook, lang: Lang): string {
  const str = (k: string) => {
    const v = e.data[k];
    return v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  };
  const status = (k: string) => {
    const v = str(k);
    return ["open", "contained", "eradicated", "recovered", "closed"].includes(v) ? t(lang, `status.${v as Incident["status"]}`) : v;
  };
  switch (e.kind) {
    case "created": return t(lang, "rpt.history.created");
    case "findings-joined": return t(lang, "rpt.history.findings-joined", { count: str("count") });
    case "status-changed": return t(lang, "rpt.history.status-changed", { from: status("from"), to: status("to") });
    case "checklist-ticked": return t(lang, "rpt.history.checklist-ticked", { item: itemText(playbook, str("item"), lang) });
    case "checklist-unticked": return t(lang, "rpt.history.checklist-unticked", { item: itemText(playbook, str("item"), lang) });
    case "note": return t(lang, "rpt.history.note");
    case "assigned": return t(lang, "rpt.history.assigned", { assignee: str("assignee") || str("to") });
    case "closed": return t(lang, "rpt.history.closed", { reason: str("reason") || t(lang, "rpt.noReason") });
  }
}

/** A checklist item id ("containment.kill") as the playbook words it, in the language. */
export function itemText(playbook: Playbook, id: string, lang: Lang): string {
  const dot = id.indexOf(".");
  const phase = id.slice(0, dot) as ChecklistPhase;
  const lists: Record<ChecklistPhase, readonly { id: string; text: { en: string; th: string } }[]> = {
    analysis: playbook.analysis, containment: playbook.containment, eradication: playbook.eradication, recovery: playbook.recovery,
  };
  const item = lists[phase]?.find((i) => i.id === id.slice(dot + 1));
  return item ? `${t(lang, `checklist.phase.${phase}`)}: ${pick(item.text, lang)}` : id;
}
