/**
 * A billing-credit support case draft (AWS, Azure and GCP all consider credits for unauthorized usage
 * when asked with the facts): what happened, the timeline, the evidence, the USD impact (billing
 * evidence, and the affected instances' price per hour from the price table), what was done.
 *
 * Markdown, in Thai or English. Every value from the incident came from logs: each goes through
 * escapeMarkdown / markdownCode (present/escape.ts), so a title cannot add links, HTML or headings.
 */
import { formatTime, formatUsd, t, type Lang, type MessageKey } from "../../i18n/index.js";
import type { Finding, Incident, Provider } from "../../model/index.js";
import { escapeMarkdown, markdownCode } from "../../present/escape.js";
import type { PriceTable } from "../types.js";

export interface SupportCaseInput {
  incident: Incident;
  findings: readonly Finding[];
  lang: Lang;
  prices?: PriceTable;
  /** What was done (from the plan's step runs, or typed by a person); text is escaped. */
  actions?: { at: string; what: string; status: string }[];
  /** Evidence lines shown per finding. */
  evidencePerFinding?: number;
}

/** Instance types seen, with how many instances and where (from findings naming types and instances). */
interface Burn { type: string; count: number; region?: string; provider: Provider; usdPerHour?: number }

const CLOUD_PROVIDERS: readonly string[] = ["aws", "azure", "gcp"];

function burnOf(findings: readonly Finding[], prices: PriceTable | undefined): Burn[] {
  const byType = new Map<string, Burn>();
  for (const f of findings) {
    const types = [...new Set(f.observables.filter((o) => o.type === "instance-type").map((o) => o.value))];
    const instances = f.entities.instances?.length ?? 0;
    // One type per finding is the only case where the count can be put on that type.
    if (types.length !== 1 || instances === 0) continue;
    const type = types[0]!;
    const provider = (CLOUD_PROVIDERS.includes(f.entities.providers?.[0] ?? "") ? f.entities.providers![0] : "aws") as Provider;
    const region = f.entities.regions?.[0];
    const prev = byType.get(type);
    if (prev && prev.count >= instances) continue;
    const burn: Burn = { type, count: instances, provider };
    if (region) burn.region = region;
    const price = prices?.instanceUsdPerHour(provider, type, region);
    if (price !== undefined) burn.usdPerHour = price * instances;
    byType.set(type, burn);
  }
  return [...byType.values()];
}

function where(e: Finding["evidence"][number]): string {
  const at = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? `#${e.packet}` : e.offset !== undefined ? `@${e.offset}` : "";
  return `${markdownCode(`${e.file}${at}`)}${e.summary ? ` ${escapeMarkdown(e.summary)}` : ""}`;
}

export function emitSupportCase(input: SupportCaseInput): string {
  const { incident, findings, lang } = input;
  const m = (key: MessageKey, params?: Record<string, string | number>): string => t(lang, key, params);
  const md = escapeMarkdown;
  const out: string[] = [];
  out.push(`# ${m("emit.case.title")}`, "");
  if (incident.entities.accounts?.length) out.push(`- **${m("emit.case.accounts")}:** ${incident.entities.accounts.map(markdownCode).join(", ")}`);
  out.push(`- **${m("emit.case.incident")}:** ${markdownCode(incident.id)}`, "");

  out.push(`## ${m("emit.case.what")}`, "");
  out.push(m("emit.case.whatText", {
    first: md(formatTime(incident.firstSeen)), last: md(formatTime(incident.lastSeen)),
    instances: incident.scope.instances, regions: incident.scope.regions, hosts: incident.scope.hosts, title: md(incident.title),
  }), "");

  out.push(`## ${m("emit.case.timeline")}`, "", `| ${m("emit.case.timeCol")} | ${m("emit.case.eventCol")} |`, "|---|---|");
  // Findings without a time (a file found on disk) say so, after the timed ones.
  const timed = [...findings].sort((a, b) => (a.firstSeen === "" ? 1 : 0) - (b.firstSeen === "" ? 1 : 0) || a.firstSeen.localeCompare(b.firstSeen));
  for (const f of timed) out.push(`| ${f.firstSeen ? md(formatTime(f.firstSeen)) : m("emit.case.noTime")} | ${md(f.title)} |`);
  out.push("");

  const perFinding = input.evidencePerFinding ?? 3;
  out.push(`## ${m("emit.case.evidence")}`, "");
  for (const f of findings) {
    for (const e of f.evidence.slice(0, perFinding)) out.push(`- ${m("emit.case.evidenceLine", { finding: md(f.title), where: where(e) })}`);
  }
  out.push("");

  out.push(`## ${m("emit.case.impact")}`, "");
  const burns = burnOf(findings, input.prices);
  let any = false;
  if (incident.billingUsd !== undefined) { out.push(`- ${m("emit.case.billing", { usd: formatUsd(incident.billingUsd) })}`); any = true; }
  const priced = burns.filter((b) => b.usdPerHour !== undefined);
  if (priced.length) {
    const perHour = priced.reduce((s, b) => s + b.usdPerHour!, 0);
    const detail = priced.map((b) => `${b.count} × ${md(b.type)}${b.region ? ` ${md(b.region)}` : ""}`).join(", ");
    out.push(`- ${m("emit.case.burn", { usd: formatUsd(perHour), detail })}`);
    const hours = Math.max(0, (Date.parse(incident.lastSeen) - Date.parse(incident.firstSeen)) / 3_600_000);
    if (hours > 0) out.push(`- ${m("emit.case.burnTotal", { usd: formatUsd(perHour * hours), hours: hours.toFixed(1) })}`);
    any = true;
  }
  for (const b of burns.filter((x) => x.usdPerHour === undefined)) out.push(`- ${m("emit.case.noPrice", { type: md(b.type) })}`);
  if (!any) out.push(`- ${m("emit.case.noImpact")}`);
  out.push("");

  out.push(`## ${m("emit.case.done")}`, "");
  if (input.actions?.length) for (const a of input.actions) out.push(`- ${md(formatTime(a.at))}: ${md(a.what)} (${md(a.status)})`);
  else out.push(`- ${m("emit.case.noActions")}`);
  out.push("");

  out.push(`## ${m("emit.case.request")}`, "", m("emit.case.requestText"), "", `_${md(m("emit.case.draft", { id: incident.id }))}_`, "");
  return out.join("\n");
}
