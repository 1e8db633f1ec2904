/**
 * Text for `minerhunt respond`: a plan as a table (step, target, before → after, risk, undo, USD/h, gates, with
 * the exact call under each step), its approvals and step states, and what an execution did per target.
 * Targets, states and calls come from logs and providers, i.e. from the attacker: every line goes through
 * terminal() so nothing can move the cursor or reorder the text.
 */
import { formatTime, formatUsd, pick, t } from "../../i18n/index.js";
import type { Lang, MessageKey } from "../../i18n/index.js";
import type { Plan, ResourceState, StepRun } from "../../model/index.js";
import type { PlanState } from "../../respond/service.js";
import type { ActionDefinition } from "../../respond/types.js";
import { terminal } from "../../present/escape.js";

const MAX_CELL = 48;

function cell(text: string, max = MAX_CELL): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Columns padded to their widest cell; the header is a "|"-separated message. */
export function table(header: string, rows: string[][]): string[] {
  const head = header.split("|");
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd());
}

/** {state: "running"} → "state=running"; nested values as compact JSON. */
export function stateText(state: ResourceState): string {
  const parts = Object.entries(state).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(", ") : "—";
}

const yesNo = (lang: Lang, v: boolean): string => t(lang, v ? "respond.yes" : "respond.no");

export function statusText(lang: Lang, run: StepRun | undefined): string {
  const key = `respond.status.${run?.status ?? "none"}` as MessageKey;
  return `${t(lang, key)}${run?.error ? `: ${run.error}` : ""}`;
}

export function formatPlan(lang: Lang, plan: Plan, state?: PlanState): string {
  const lines: string[] = [];
  lines.push(t(lang, "respond.plan.header", { id: plan.id, incident: plan.incidentId ?? "—", mode: t(lang, `respond.mode.${plan.mode}` as MessageKey) }));
  lines.push(`  ${t(lang, "respond.plan.madeBy", { by: plan.createdBy, at: formatTime(plan.createdAt), hash: `${plan.hash.slice(0, 16)}…` })}`);
  const priced = new Set(plan.steps.filter((s) => s.usdPerHour !== undefined).map((s) => `${s.target.provider}:${s.target.id}`));
  lines.push(`  ${t(lang, "respond.plan.burn", { usd: formatUsd(plan.usdPerHour), targets: priced.size })}`);
  if (state) {
    const valid = state.validApproval;
    lines.push(`  ${valid ? t(lang, "respond.approval.valid", { by: valid.by, at: formatTime(valid.at), reason: valid.reason }) : t(lang, "respond.approval.none")}`);
    for (const a of state.approvals) if (a !== valid) lines.push(`    ${t(lang, "respond.approval.void", { by: a.by, at: formatTime(a.at) })}`);
  }
  for (const u of plan.unreachable) lines.push(`  ${t(lang, "respond.plan.unreachable", { scope: u.scope, reason: u.reason })}`);
  lines.push("");
  if (plan.steps.length === 0) {
    lines.push(t(lang, "respond.plan.empty"));
    return lines.map(terminal).join("\n") + "\n";
  }
  const rows = plan.steps.map((s, i) => [
    String(i + 1), cell(s.id), cell(s.target.label ?? `${s.target.kind} ${s.target.id}`),
    cell(`${stateText(s.before)} → ${stateText(s.after)}`, 60), s.risk, yesNo(lang, s.undoable),
    s.usdPerHour === undefined ? "—" : s.usdPerHour.toFixed(4), s.requires.map((r) => String(plan.steps.findIndex((x) => x.id === r) + 1)).join(",") || "—",
  ]);
  const tableLines = table(t(lang, "respond.plan.columns"), rows);
  lines.push(tableLines[0]!);
  plan.steps.forEach((s, i) => {
    lines.push(tableLines[i + 1]!);
    lines.push(`      ${t(lang, "respond.plan.call", { call: s.call })}`);
    lines.push(`      ${t(lang, "respond.plan.items", { items: s.checklistItems.join(", ") })}`);
    if (s.refused) lines.push(`      ${t(lang, "respond.plan.refused", { reason: pick(s.refused.reason, lang) })}`);
    if (state) lines.push(`      ${t(lang, "respond.plan.status", { status: statusText(lang, state.steps[s.id]) })}`);
  });
  return lines.map(terminal).join("\n") + "\n";
}

/** What one execute or undo did, one line per record, grouped by step as it happened. */
export function formatRuns(lang: Lang, plan: Plan, runs: readonly StepRun[]): string {
  const label = new Map(plan.steps.map((s) => [s.id, s.target.label ?? s.target.id]));
  return runs.map((r) => terminal(`  ${formatTime(r.at)}  ${r.stepId}  (${label.get(r.stepId) ?? "?"})  ${statusText(lang, r)}` +
    (r.observed ? `  [${cell(stateText(r.observed), 80)}]` : ""))).join("\n") + (runs.length ? "\n" : "");
}

/**
 * Partial failure per place: the steps that failed, were refused or are blocked by a failed gate, grouped by
 * where their target is (provider, account, region, host), with why. Empty when nothing went wrong.
 */
export function formatFailures(lang: Lang, state: PlanState): string {
  const byPlace = new Map<string, string[]>();
  for (const s of state.plan.steps) {
    const r = state.steps[s.id];
    if (!r || r.dryRun || !(r.status === "failed" || r.status === "refused" || (r.status === "skipped" && r.error?.startsWith("gate failed")))) continue;
    const place = [s.target.provider, s.target.account, s.target.region, s.target.host].filter(Boolean).join(" / ");
    const lines = byPlace.get(place) ?? [];
    lines.push(`    ${s.id}: ${statusText(lang, r)}`);
    byPlace.set(place, lines);
  }
  if (byPlace.size === 0) return "";
  const out = [t(lang, "respond.execute.perPlace")];
  for (const [place, lines] of [...byPlace].sort(([a], [b]) => a.localeCompare(b))) out.push(`  ${place}`, ...lines);
  return out.map(terminal).join("\n") + "\n";
}

export interface Tally { verified: number; failed: number; refused: number; skipped: number; undone: number; waiting: number }

export function tally(state: PlanState): Tally {
  const out: Tally = { verified: 0, failed: 0, refused: 0, skipped: 0, undone: 0, waiting: 0 };
  for (const s of state.plan.steps) {
    const r = state.steps[s.id];
    if (!r || r.dryRun) out.waiting++;
    else if (r.status === "verified") out.verified++;
    else if (r.status === "undone") out.undone++;
    else if (r.status === "failed") out.failed++;
    else if (r.status === "refused") out.refused++;
    else if (r.status === "skipped") out.skipped++;
    else out.waiting++;
  }
  return out;
}

export function formatActions(lang: Lang, actions: readonly ActionDefinition[]): string {
  const rows = actions.map((a) => [a.name, a.provider, a.risk, yesNo(lang, a.undoable), cell(a.permissions.join(" ") || "—", 60), pick(a.title, lang)]);
  return table(t(lang, "respond.actions.columns"), rows).map(terminal).join("\n") + "\n";
}

export function formatPlanList(lang: Lang, plans: readonly Plan[]): string {
  if (plans.length === 0) return `${t(lang, "respond.list.none")}\n`;
  const rows = plans.map((p) => [p.id, p.incidentId ?? "—", p.mode, String(p.steps.length), p.usdPerHour.toFixed(4), p.createdBy, formatTime(p.createdAt)]);
  return table(t(lang, "respond.list.columns"), rows).map(terminal).join("\n") + "\n";
}
