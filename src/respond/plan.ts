/**
 * The planner: an incident (+ its findings) and the playbook's containment, eradication and recovery items
 * become an ordered Plan. Each item names the actions that carry it out; each action resolves its targets and
 * their current state (respond/types.ts). The planner then
 *   - merges steps across items: one step (action × target) can carry several checklist items;
 *   - refuses protected targets (protect.ts) now, and the executor checks again before acting;
 *   - gates: in "preserve-evidence" mode a destructive action's evidence actions are planned too, and a
 *     destructive step waits for every forensic step on the same target (kind and id), so if the snapshot fails
 *     nothing is stopped or terminated; steps can also name their own gates;
 *   - orders: read steps first, then containment, then destructive, and never a step before its gates;
 *   - sums the money at stake and hashes the content (plan-hash.ts).
 */
import type { Finding, Incident, Plan, PlanMode, PlanStep, Risk } from "../model/index.js";
import type { ActionItem, Playbook } from "../playbook/index.js";
import { RespondError } from "./errors.js";
import { planHash } from "./plan-hash.js";
import { protectionReason } from "./protect.js";
import type { ActionRegistry } from "./registry.js";
import type { PlannedStep, ResponseContext } from "./types.js";

export const PLAN_PHASES = ["containment", "eradication", "recovery"] as const;

export interface PlanBuild {
  registry: ActionRegistry;
  playbook: Playbook;
  incident: Incident;
  findings: Finding[];
  mode: PlanMode;
  /** Only these checklist items ("containment.isolate"); all of the three phases by default. */
  items?: readonly string[];
  id: string;
  createdAt: string;
}

/** The playbook items a plan covers, with their checklist ids. */
export function planItems(playbook: Playbook, only?: readonly string[]): { id: string; item: ActionItem }[] {
  const all = PLAN_PHASES.flatMap((phase) => playbook[phase].map((item) => ({ id: `${phase}.${item.id}`, item })));
  if (!only || only.length === 0) return all;
  const known = new Set(all.map((a) => a.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new RespondError("invalid", `unknown checklist item ${unknown.map((u) => `"${u}"`).join(", ")}: expected one of ${[...known].join(", ")}`);
  }
  return all.filter((a) => only.includes(a.id));
}

/** The item's actions, each destructive one preceded by its evidence actions in preserve-evidence mode. */
function withEvidence(actions: readonly string[], b: PlanBuild): string[] {
  if (b.mode !== "preserve-evidence") return [...actions];
  const out: string[] = [];
  for (const name of actions) {
    for (const e of b.registry.get(name)?.evidence ?? []) if (!out.includes(e)) out.push(e);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** 0 read (forensics first), 1 containment and other changes, 2 destructive last. */
function rank(risk: Risk): number {
  return risk === "read" ? 0 : risk === "destructive" ? 2 : 1;
}

function stepOf(action: string, checklistItem: string, p: PlannedStep): PlanStep {
  const step: PlanStep = {
    id: `${action}:${p.key}`, action, checklistItems: [checklistItem], params: p.params, target: p.target,
    before: p.before, after: p.after, call: p.call, risk: p.risk, undoable: p.undoable, requires: [...(p.requires ?? [])], why: p.why,
  };
  if (p.usdPerHour !== undefined) step.usdPerHour = p.usdPerHour;
  if (p.stopsUsdPerHour !== undefined) step.stopsUsdPerHour = p.stopsUsdPerHour;
  if (p.refused !== undefined) step.refused = p.refused;
  return step;
}

/** Kind and id, not provider: a manual evidence step gates a connector's terminate of the same instance. */
const targetKey = (s: PlanStep): string => `${s.target.kind}\0${s.target.id}`;

export async function buildPlan(b: PlanBuild, ctx: ResponseContext): Promise<Plan> {
  const steps = new Map<string, PlanStep>();
  const unreachable: Plan["unreachable"] = [];
  for (const { id: checklistItem, item } of planItems(b.playbook, b.items)) {
    for (const name of withEvidence(item.actions, b)) {
      const def = b.registry.get(name);
      if (!def) throw new RespondError("invalid", `playbook ${b.playbook.id} ${checklistItem}: unknown response action "${name}"`);
      const params = def.params.safeParse(item.params ?? {});
      if (!params.success) {
        throw new RespondError("invalid", `playbook ${b.playbook.id} ${checklistItem}: params for ${name}: ${params.error.issues.map((i) => `${i.path.join(".") || "(params)"}: ${i.message}`).join("; ")}`);
      }
      let planned: PlannedStep[];
      try {
        const unreachableHere = (scope: string, reason: string): void => {
          if (!unreachable.some((u) => u.scope === scope && u.reason === reason)) unreachable.push({ scope, reason });
        };
        planned = await def.plan({ incident: b.incident, findings: b.findings, params: params.data, mode: b.mode, checklistItem, unreachable: unreachableHere }, ctx);
      } catch (err) {
        // One provider down must not sink the plan: say which, and plan the rest.
        unreachable.push({ scope: `${name} (${checklistItem})`, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      for (const p of planned) {
        const step = stepOf(name, checklistItem, p);
        const have = steps.get(step.id);
        if (have) {
          if (!have.checklistItems.includes(checklistItem)) have.checklistItems.push(checklistItem);
        } else {
          steps.set(step.id, step);
        }
      }
    }
  }
  const list = [...steps.values()];
  for (const step of list) {
    const reason = protectionReason(step.target, ctx.protect);
    if (reason && !step.refused) step.refused = { reason };
  }
  addGates(list, b.mode, b.registry);
  const ordered = order(list);
  const content = {
    incidentId: b.incident.id, createdBy: ctx.actor, mode: b.mode, steps: ordered,
    usdPerHour: burn(ordered), unreachable,
  };
  return { id: b.id, createdAt: b.createdAt, ...content, hash: planHash(content) };
}

/** Forensic gates of preserve-evidence mode; a gate that is not in the plan refuses the step that needs it. */
function addGates(steps: PlanStep[], mode: PlanMode, registry: ActionRegistry): void {
  const ids = new Set(steps.map((s) => s.id));
  const forensic = (s: PlanStep): boolean => s.risk !== "destructive" && (registry.get(s.action)?.forensic ?? s.risk === "read");
  // Forensic steps by target, so a plan of thousands of instances gates in one pass.
  const evidenceOf = new Map<string, string[]>();
  for (const s of steps) if (forensic(s)) evidenceOf.set(targetKey(s), [...(evidenceOf.get(targetKey(s)) ?? []), s.id]);
  for (const step of steps) {
    if (mode === "preserve-evidence" && step.risk === "destructive") {
      for (const id of evidenceOf.get(targetKey(step)) ?? []) if (!step.requires.includes(id)) step.requires.push(id);
    }
    const missing = step.requires.filter((r) => !ids.has(r));
    if (missing.length && !step.refused) {
      step.refused = { reason: { en: `needs ${missing.join(", ")}, which is not in the plan`, th: `ต้องทำ ${missing.join(", ")} ก่อน แต่ไม่มีในแผน` } };
    }
  }
}

/** Read first, destructive last, each step after its gates (a step in a gate cycle is refused). */
function order(steps: PlanStep[]): PlanStep[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const effective = new Map<string, number>();
  const visiting = new Set<string>();
  const rankOf = (s: PlanStep): number => {
    const known = effective.get(s.id);
    if (known !== undefined) return known;
    if (visiting.has(s.id)) {
      s.refused ??= { reason: { en: "its gates require each other (a cycle)", th: "เงื่อนไขก่อนทำวนกันเอง" } };
      return rank(s.risk);
    }
    visiting.add(s.id);
    let r = rank(s.risk);
    for (const g of s.requires) { const gate = byId.get(g); if (gate) r = Math.max(r, rankOf(gate)); }
    visiting.delete(s.id);
    effective.set(s.id, r);
    return r;
  };
  const sorted = steps.map((s, i) => ({ s, i, r: rankOf(s) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.s);
  // Within a rank, pull each step's gates in front of it (the order of everything else stays).
  const out: PlanStep[] = [];
  const placed = new Set<string>();
  const place = (s: PlanStep, path: Set<string>): void => {
    if (placed.has(s.id) || path.has(s.id)) return;
    path.add(s.id);
    for (const g of s.requires) { const gate = byId.get(g); if (gate) place(gate, path); }
    placed.add(s.id);
    out.push(s);
  };
  for (const s of sorted) place(s, new Set());
  return out;
}

/** USD per hour the plan's distinct targets burn (a target in several steps counts once). */
function burn(steps: readonly PlanStep[]): number {
  const perTarget = new Map<string, number>();
  for (const s of steps) {
    if (s.usdPerHour === undefined) continue;
    perTarget.set(targetKey(s), Math.max(perTarget.get(targetKey(s)) ?? 0, s.usdPerHour));
  }
  let sum = 0;
  for (const v of perTarget.values()) sum += v;
  return Math.round(sum * 10_000) / 10_000;
}
