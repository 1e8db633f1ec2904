import type { Campaign, Finding, Incident } from "../../model/index.js";
import type { ScanResult } from "../scan.js";
import { formatUsd, pick, t, type Lang } from "../../i18n/index.js";
import { terminal } from "../../present/escape.js";

/**
 * The at-a-glance report: incidents first (what, where, how sure, where PB-31 goes), then findings
 * with their evidence file:line, then what was read and what could not be.
 * Log text is attacker-controlled: control characters are made visible so they cannot move the cursor
 * or recolour the terminal.
 */
export interface TextOptions {
  color: boolean;
  /** Language of the labels and of the playbook's texts (titles from logs stay as they are). */
  lang?: Lang;
  /** Findings listed per incident before "... and N more". */
  maxFindings?: number;
  verbose?: boolean;
  /** The scan's campaigns, shown before the incidents and named on each member. */
  campaigns?: readonly Campaign[];
}

const ESC = "\u001b[";
function paint(on: boolean, code: string, s: string): string {
  return on ? `${ESC}${code}m${s}${ESC}0m` : s;
}

/** Terminal escaping (present/escape.ts), the same for every command: controls, newlines, bidi, zero-width. */
export const safe = terminal;

/** Built-in detectors by id; Sigma rules by "sigma" and the start of their UUID (the title is shown above). */
function ruleLabel(f: Finding): string {
  return f.rule.kind === "detector" ? f.rule.id : `sigma ${f.rule.id.slice(0, 8)}`;
}

function where(f: Finding): string {
  const e = f.evidence[0];
  if (!e) return "";
  const pos = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? ` packet ${e.packet}` : e.offset !== undefined ? ` @${e.offset}` : "";
  return `${e.file}${pos}`;
}

/**
 * The strongest finding of each built-in detector first, then of each Sigma rule, then the rest: the first
 * lines of an incident show every kind of evidence (process, config, DNS, persistence, entry vector ...)
 * instead of eight of one kind, and the detectors' specific titles before the rules' generic ones.
 */
function overviewOrder(findings: Finding[]): Finding[] {
  const byConfidence = [...findings].sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
  const seen = new Set<string>();
  const first: Finding[] = [];
  const rest: Finding[] = [];
  for (const f of byConfidence) {
    if (seen.has(f.rule.id)) rest.push(f);
    else { seen.add(f.rule.id); first.push(f); }
  }
  const builtIn = first.filter((f) => f.rule.kind === "detector");
  return [...builtIn, ...first.filter((f) => f.rule.kind !== "detector"), ...rest];
}

const SEV_COLOR: Record<string, string> = { critical: "1;31", high: "31", medium: "33", low: "36", informational: "2" };

export function formatText(result: ScanResult, incidents: readonly Incident[], opts: TextOptions): string {
  const c = opts.color;
  const lang: Lang = opts.lang ?? "en";
  const max = opts.maxFindings ?? 8;
  const out: string[] = [];
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const inIncident = new Set<string>();
  for (const i of incidents) for (const id of i.findingIds) inIncident.add(id);
  const campaigns = opts.campaigns ?? [];
  const campaignById = new Map(campaigns.map((c) => [c.id, c]));

  if (!result.readSomething) out.push(paint(c, "31", t(lang, "scan.nothingRead")));
  else if (incidents.length === 0) out.push(paint(c, "32", t(lang, "scan.noIncident")));
  else out.push(paint(c, "1", t(lang, "scan.incidents", { count: incidents.length })));
  for (const camp of campaigns) {
    out.push("");
    out.push(paint(c, "1;35", t(lang, "scan.campaignHead", { id: camp.id, machines: camp.scope.machines, incidents: camp.scope.incidents })));
    out.push(`  ${t(lang, "scope.summary", { hosts: camp.scope.hosts, instances: camp.scope.instances, regions: camp.scope.regions, accounts: camp.scope.accounts, clusters: camp.scope.clusters })}; ${camp.environments.map((e) => t(lang, `environment.${e}`)).join(", ")}`);
    out.push(`  ${t(lang, "scan.campaignLinks")} ${safe(camp.links.slice(0, 4).map((l) => `${l.kind} ${l.value} (${l.incidents})`).join("; "))}`);
  }
  for (const inc of incidents) {
    out.push("");
    const sev = paint(c, SEV_COLOR[inc.severity] ?? "0", safe(t(lang, `severity.${inc.severity}`).toUpperCase()));
    out.push(`${paint(c, "1", safe(inc.id))}  ${sev}  ${safe(inc.priority)}  ${t(lang, "scan.confidence", { pct: Math.round(inc.confidence * 100) })}${inc.sample ? paint(c, "35", `  ${t(lang, "scan.sample")}`) : ""}`);
    out.push(`  ${safe(inc.title)}`);
    const s = inc.scope;
    out.push(`  ${t(lang, "scan.where", {
      environment: t(lang, `environment.${inc.environment}`),
      scope: t(lang, "scope.summary", { hosts: s.hosts, instances: s.instances, regions: s.regions, accounts: s.accounts, clusters: s.clusters }),
      hostType: t(lang, `hostType.${inc.hostType}`),
    })}`);
    const seen = safe(t(lang, "scan.seen", { first: inc.firstSeen || "?", last: inc.lastSeen || "?" }));
    out.push(`  ${seen}${inc.billingUsd !== undefined ? `; ${t(lang, "scan.billing", { usd: formatUsd(inc.billingUsd) })}` : ""}`);
    if (inc.decision) {
      out.push(`  ${safe(inc.decision.playbook)}: ${safe(inc.decision.path.join(" → "))}  ⇒  ${paint(c, "1", safe(pick(inc.decision.action, lang)))}`);
      for (const r of inc.decision.reasons.slice(0, 4)) out.push(`         · ${safe(pick(r, lang))}`);
    }
    for (const e of inc.escalations) out.push(`  ${paint(c, "1;35", t(lang, "scan.escalate"))} → ${safe(pick(e.target, lang))}: ${safe(pick(e.reason, lang))}`);
    const campaign = inc.campaignId ? campaignById.get(inc.campaignId) : undefined;
    if (campaign) out.push(`  ${t(lang, "scan.campaign", { id: safe(campaign.id), machines: campaign.scope.machines, incidents: campaign.scope.incidents })}`);
    const done = inc.checklist.filter((i) => i.done).length;
    if (inc.checklist.length) out.push(`  ${t(lang, "scan.checklist", { done, total: inc.checklist.length })}`);
    const fs = overviewOrder(inc.findingIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined));
    for (const f of fs.slice(0, max)) {
      out.push(`    - ${paint(c, SEV_COLOR[f.severity] ?? "0", safe(f.severity).padEnd(8))} ${String(Math.round(f.confidence * 100)).padStart(3)}%  ${safe(f.title)}${f.sample && !f.title.includes("(sample)") ? " (sample)" : ""}`);
      out.push(`      ${paint(c, "2", `${safe(ruleLabel(f))} · ${safe(where(f))}${f.evidenceCount > 1 ? ` (+${f.evidenceCount - 1})` : ""}`)}`);
    }
    if (fs.length > max) out.push(`    ${t(lang, "scan.more", { count: fs.length - max })}`);
  }

  const samples = result.findings.filter((f) => f.sample === true).length;
  const loose = result.findings.filter((f) => !inIncident.has(f.id) && f.sample !== true);
  if (samples) {
    out.push("");
    out.push(paint(c, "35", t(lang, "scan.samples", { count: samples })));
  }
  if (loose.length) {
    out.push("");
    out.push(paint(c, "1", t(lang, "scan.loose", { count: loose.length })));
    for (const f of loose.slice(0, opts.verbose ? loose.length : max)) {
      out.push(`  - ${String(Math.round(f.confidence * 100)).padStart(3)}%  ${safe(f.title)}  ${paint(c, "2", safe(where(f)))}`);
    }
    if (!opts.verbose && loose.length > max) out.push(`  ${t(lang, "scan.looseMore", { count: loose.length - max })}`);
  }

  out.push("");
  const readFiles = result.files.filter((f) => !f.error).length;
  out.push(paint(c, "2", t(lang, "scan.read", { read: readFiles, files: result.files.length, events: result.events, seconds: (result.durationMs / 1000).toFixed(2) })));
  if (result.skipped) out.push(paint(c, "2", t(lang, "scan.skipped", { count: result.skipped })));
  if (result.issuesTotal > 0) {
    out.push(paint(c, "33", t(lang, "scan.problems", { count: result.issuesTotal })));
    const shown = opts.verbose ? 200 : 10;
    for (const i of result.issues.slice(0, shown)) {
      const pos = i.line !== undefined ? `:${i.line}` : i.offset !== undefined ? ` @${i.offset}` : "";
      out.push(`  ${safe(i.file)}${pos}: ${safe(i.message)}`);
    }
    if (result.issuesTotal > shown) out.push(`  ${t(lang, "scan.problemsMore")}`);
  }
  return out.join("\n") + "\n";
}
