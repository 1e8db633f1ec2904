/**
 * The incident as a TheHive 5 alert for POST /api/v1/alert: type, source and sourceRef (TheHive's
 * unique key, so a re-export updates the same alert), title, Markdown description, severity 1-4,
 * TLP and PAP, tags, observables with TheHive's data types, and the ATT&CK procedures.
 */
import type { Finding, Incident, Severity } from "../model/index.js";
import { collectIocs, splitPool } from "./iocs.js";
import type { IocType } from "./iocs.js";
import { renderMarkdown } from "./markdown.js";
import { tacticsOf, technique } from "./mitre.js";
import { buildReportView } from "./view.js";
import type { ViewOptions } from "./view.js";

export interface TheHiveObservable {
  dataType: string;
  data: string;
  message?: string;
  tags: string[];
  ioc: boolean;
}

export interface TheHiveAlert {
  type: string;
  source: string;
  sourceRef: string;
  title: string;
  description: string;
  severity: 1 | 2 | 3 | 4;
  date: number;
  tlp: number;
  pap: number;
  tags: string[];
  observables: TheHiveObservable[];
  procedures: { patternId: string; occurDate: number; tactic?: string; description?: string }[];
}

/** TheHive severities: 1 low, 2 medium, 3 high, 4 critical. */
const SEVERITY: Record<Severity, 1 | 2 | 3 | 4> = { informational: 1, low: 1, medium: 2, high: 3, critical: 4 };
/** TLP / PAP: 0 clear, 1 green, 2 amber, 3 amber+strict, 4 red. */
const AMBER = 2;

const DATA_TYPE: Partial<Record<IocType, string>> = {
  "domain": "domain", "ip": "ip", "hash": "hash", "url": "url", "file": "filename", "process": "filename", "user-agent": "user-agent",
};

export interface TheHiveOptions extends Omit<ViewOptions, "actions"> {
  /** The alert's "type" (TheHive groups alerts by it). */
  alertType?: string;
}

export function toTheHiveAlert(incident: Incident, findings: readonly Finding[], opts: TheHiveOptions): TheHiveAlert {
  const started = Date.parse(incident.firstSeen);
  return {
    type: opts.alertType ?? "cryptomining",
    source: "minerhunt",
    sourceRef: incident.id,
    title: incident.title.slice(0, 512),
    description: description(incident, findings, opts),
    severity: SEVERITY[incident.severity],
    date: Number.isNaN(started) ? (opts.now ?? new Date()).getTime() : started,
    tlp: AMBER,
    pap: AMBER,
    tags: [
      "minerhunt", "cryptomining", opts.playbook.id, "T1496",
      `priority:${incident.priority}`, `host-type:${incident.hostType}`, `environment:${incident.environment}`,
      ...incident.triggers.map((x) => `trigger:${x}`),
      ...incident.escalations.map((e) => `escalation:${e.id}`),
      ...(incident.sample ? ["sample"] : []),
    ],
    observables: observables(incident, findings),
    procedures: procedures(incident, findings),
  };
}

function description(incident: Incident, findings: readonly Finding[], opts: TheHiveOptions): string {
  const view = buildReportView(incident, findings, opts);
  const keep = new Set(["summary", "decision", "escalations", "billing", "iocs"]);
  // TheHive's Markdown has no mermaid: the decision path stays as text.
  view.sections = view.sections.filter((s) => keep.has(s.id)).map((s) => ({ ...s, blocks: s.blocks.filter((b) => b.kind !== "diagram") }));
  return renderMarkdown(view);
}

function observables(incident: Incident, findings: readonly Finding[]): TheHiveObservable[] {
  const out = new Map<string, TheHiveObservable>();
  const add = (o: TheHiveObservable) => {
    const key = `${o.dataType}\0${o.data}`;
    const hit = out.get(key);
    if (hit) hit.tags = [...new Set([...hit.tags, ...o.tags])];
    else out.set(key, o);
  };
  for (const ioc of collectIocs(findings).iocs) {
    // Only attacker-side observables are IOCs (iocs.ts); the victim's process names, paths and users are context.
    const tags = [`minerhunt:${ioc.type}`, ...(ioc.role === "context" ? ["context"] : [])];
    if (ioc.type === "pool") {
      const { host, port, isIp } = splitPool(ioc.value);
      add({ dataType: isIp ? "ip" : "domain", data: host, tags: ["mining-pool", ...(port ? [`port:${port}`] : []), ...tags], ioc: true, message: `Mining pool ${ioc.value}` });
      continue;
    }
    if (ioc.type === "wallet") {
      add({ dataType: "other", data: ioc.value, tags: ["wallet", ...tags], ioc: ioc.role === "indicator", message: "Mining wallet" });
      continue;
    }
    add({ dataType: DATA_TYPE[ioc.type] ?? "other", data: ioc.value, tags, ioc: ioc.role === "indicator" });
  }
  for (const host of incident.entities.hosts ?? []) add({ dataType: "hostname", data: host, tags: ["affected-host"], ioc: false });
  return [...out.values()];
}

function procedures(incident: Incident, findings: readonly Finding[]): TheHiveAlert["procedures"] {
  const first = new Map<string, number>();
  for (const f of findings) {
    for (const id of f.mitre) {
      const at = Date.parse(f.firstSeen);
      if (!Number.isNaN(at) && (!first.has(id) || at < (first.get(id) ?? Infinity))) first.set(id, at);
    }
  }
  if (!first.has("T1496")) first.set("T1496", Date.parse(incident.firstSeen) || 0);
  return [...first.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, at]) => {
    const known = technique(id);
    const tactic = tacticsOf(id)[0];
    return {
      patternId: id,
      occurDate: at,
      ...(tactic ? { tactic: tactic.name.toLowerCase().replace(/ /g, "-") } : {}),
      ...(known ? { description: known.name } : {}),
    };
  });
}

