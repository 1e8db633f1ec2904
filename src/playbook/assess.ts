/**
 * assess(): walk an incident-to-be through the playbook. Everything it decides comes from the
 * playbook data (decision graph, rules, checklists, impact table) and DetectConfig; this file only
 * gathers the facts the conditions read and assembles the answer.
 */
import { combinedConfidence } from "../model/index.js";
import type { DetectConfig } from "../detect/config.js";
import type {
  Bilingual, ChecklistItemState, Environment, Escalation, HostType, Priority, Severity,
} from "../model/index.js";
import { formatUsd, t } from "../i18n/index.js";
import type { Lang, MessageKey, Params } from "../i18n/index.js";
import { interpolate } from "../i18n/index.js";
import { billingUsdOf, environmentOf } from "../correlate/index.js";
import { walkDecision } from "./decision.js";
import { evaluate } from "./evaluate.js";
import type { EvalContext } from "./evaluate.js";
import { classifyHosts } from "./hosttype.js";
import type { ChecklistPhase, Playbook } from "./schema.js";
import type { AssessInput, Assessment, HostClassification } from "./types.js";

/**
 * The playbook is a parameter (pipeline/run.ts loads PB-31 by default): loading it here would tie every
 * assessment to the YAML parser and zod, which a scan from the build snapshot never loads.
 */
export function assess(input: AssessInput, config: DetectConfig, playbook: Playbook): Assessment {
  const findings = input.findings;
  const environment = input.environment ?? environmentOf(findings);
  const triggers = input.triggers ?? unique(findings.map((f) => f.trigger));
  const billingUsd = input.billingUsd ?? billingUsdOf(findings);
  const sample = findings.length > 0 && findings.every((f) => f.sample === true);

  const ctx: EvalContext = {
    findings,
    scope: input.scope,
    ...(input.campaign ? { campaign: input.campaign } : {}),
    environment,
    triggers,
    facts: { billingUsd, confidence: findings.length ? combinedConfidence(findings) : undefined, findingCount: findings.length },
    actionsDone: new Set(input.actionsDone ?? []),
    config,
  };
  const params = reasonParams(input, environment, billingUsd, config);
  const paramsFor = (lang: Lang): Params => ({ ...params, environment: t(lang, `environment.${environment}`) });

  const decision = walkDecision(playbook, ctx, paramsFor);
  const hosts = classifyHosts({ ...input, environment }, config);
  const impact = choosePriority(hosts, environment, playbook);
  const severity = chooseSeverity(playbook, ctx, paramsFor);

  const result: Assessment = {
    playbook: playbook.id,
    environment,
    triggers,
    decision,
    hostType: impact.hostType,
    priority: impact.priority,
    severity: severity.severity,
    escalations: escalations(playbook, ctx, paramsFor),
    checklist: checklist(playbook, ctx),
    sample,
    hosts,
    notes: [...impact.notes, ...severity.notes],
  };
  if (billingUsd !== undefined) result.billingUsd = billingUsd;
  return result;
}

/**
 * Keep what analysts answered when the evidence is assessed again: a person's tick or untick is never
 * overridden by a scan; the evidence decides every other item afresh.
 */
export function mergeChecklist(previous: readonly ChecklistItemState[], fresh: readonly ChecklistItemState[]): ChecklistItemState[] {
  const byId = new Map(previous.map((i) => [i.id, i]));
  const out = fresh.map((item) => {
    const old = byId.get(item.id);
    return old && old.answeredBy === "analyst" ? old : item;
  });
  // An analyst's answer to an item the playbook no longer lists is kept too: a person's work is never lost.
  const listed = new Set(fresh.map((i) => i.id));
  for (const old of previous) if (old.answeredBy === "analyst" && !listed.has(old.id)) out.push(old);
  return out;
}

function reasonParams(input: AssessInput, environment: Environment, billingUsd: number | undefined, config: DetectConfig): Params {
  const list = (l: readonly string[] | undefined) => (l && l.length > 0 ? l.join(", ") : "-");
  return {
    environment,
    providers: list(input.entities.providers),
    hosts: input.scope.hosts,
    instances: input.scope.instances,
    regions: input.scope.regions,
    accounts: input.scope.accounts,
    clusters: input.scope.clusters,
    billingUsd: billingUsd === undefined ? "-" : formatUsd(billingUsd),
    campaignMachines: input.campaign?.machines ?? 0,
    campaignIncidents: input.campaign?.incidents ?? 0,
    threshold: formatUsd(config.billing.escalateUsd),
  };
}

const TYPE_ORDER: readonly HostType[] = ["production", "cloud-instance", "unknown", "workstation", "dev-test"];

/** The costliest machine sets the incident's host type and priority (PB-31 Resource Impact Assessment). */
function choosePriority(hosts: readonly HostClassification[], environment: Environment, pb: Playbook): { hostType: HostType; priority: Priority; notes: Bilingual[] } {
  const priorityOf = (type: HostType): Priority => {
    const row = pb.impact?.rows.find((r) => r.hostType === type);
    return row?.priority ?? pb.impact?.unknown.priority ?? "P1";
  };
  const notes: Bilingual[] = [];
  if (hosts.length === 0) {
    const type: HostType = environment === "on-premise" ? "unknown" : "cloud-instance";
    notes.push(both("assess.noMachines", (lang) => ({ type: t(lang, `hostType.${type}`) })));
    if (type === "unknown" && pb.impact) notes.push(pb.impact.unknown.reason);
    return { hostType: type, priority: priorityOf(type), notes };
  }
  const ranked = [...hosts].sort((a, b) =>
    priorityOf(a.type).localeCompare(priorityOf(b.type)) || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
  const top = ranked[0] as HostClassification;
  const priority = priorityOf(top.type);
  notes.push(both("assess.hostType", (lang) => ({
    type: t(lang, `hostType.${top.type}`),
    machine: top.name,
    source: t(lang, `hosts.source.${top.source}`, { because: top.because ?? "" }),
    priority,
  })));
  if (top.type === "unknown" && pb.impact) notes.push(pb.impact.unknown.reason);
  return { hostType: top.type, priority, notes };
}

function chooseSeverity(pb: Playbook, ctx: EvalContext, params: (lang: Lang) => Params): { severity: Severity; notes: Bilingual[] } {
  for (const rule of pb.severityRules) {
    if (evaluate(rule.when, ctx).value) return { severity: rule.severity, notes: [fill(rule.reason, params)] };
  }
  const severity = pb.severity;
  return { severity, notes: [both("assess.severityDefault", (lang) => ({ severity: t(lang, `severity.${severity}`), playbook: pb.id }))] };
}

function escalations(pb: Playbook, ctx: EvalContext, params: (lang: Lang) => Params): Escalation[] {
  const out: Escalation[] = [];
  for (const rule of pb.escalations) {
    if (!evaluate(rule.when, ctx).value) continue;
    const e: Escalation = { id: rule.id, target: rule.target, reason: fill(rule.reason, params) };
    if (rule.playbook) e.playbook = rule.playbook;
    out.push(e);
  }
  return out;
}

function checklist(pb: Playbook, ctx: EvalContext): ChecklistItemState[] {
  const out: ChecklistItemState[] = [];
  const phases: [ChecklistPhase, readonly { id: string; answeredBy: Parameters<typeof evaluate>[0] }[]][] = [
    ["analysis", pb.analysis], ["containment", pb.containment], ["eradication", pb.eradication], ["recovery", pb.recovery],
  ];
  for (const [phase, items] of phases) {
    for (const item of items) {
      const r = evaluate(item.answeredBy, ctx);
      const state: ChecklistItemState = { id: `${phase}.${item.id}`, phase, done: r.value };
      if (r.value) {
        state.answeredBy = "evidence";
        if (r.findings.length > 0) state.findings = r.findings;
      }
      out.push(state);
    }
  }
  return out;
}

function fill(text: Bilingual, params: (lang: Lang) => Params): Bilingual {
  return { en: interpolate(text.en, params("en")), th: interpolate(text.th, params("th")) };
}

function both(key: MessageKey, params: (lang: Lang) => Params): Bilingual {
  return { en: t("en", key, params("en")), th: t("th", key, params("th")) };
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
