import type { Finding, Incident } from "../../model/index.js";
import type { ScanResult } from "../scan.js";

/**
 * The at-a-glance report: incidents first (what, where, how sure, where PB-31 goes), then findings
 * with their evidence file:line, then what was read and what could not be.
 * Log text is attacker-controlled: control characters are made visible so they cannot move the cursor
 * or recolour the terminal.
 */
export interface TextOptions {
  color: boolean;
  /** Findings listed per incident before "... and N more". */
  maxFindings?: number;
  verbose?: boolean;
}

const ESC = "\u001b[";
function paint(on: boolean, code: string, s: string): string {
  return on ? `${ESC}${code}m${s}${ESC}0m` : s;
}

/** Make control characters visible (ESC, CR, BEL...): terminal injection from logs. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function where(f: Finding): string {
  const e = f.evidence[0];
  if (!e) return "";
  const pos = e.line !== undefined ? `:${e.line}` : e.packet !== undefined ? ` packet ${e.packet}` : e.offset !== undefined ? ` @${e.offset}` : "";
  return `${e.file}${pos}`;
}

const SEV_COLOR: Record<string, string> = { critical: "1;31", high: "31", medium: "33", low: "36", informational: "2" };

export function formatText(result: ScanResult, incidents: readonly Incident[], opts: TextOptions): string {
  const c = opts.color;
  const max = opts.maxFindings ?? 8;
  const out: string[] = [];
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const inIncident = new Set(incidents.flatMap((i) => i.findingIds));

  if (!result.readSomething) out.push(paint(c, "31", "Nothing could be read: see the input problems below."));
  else if (incidents.length === 0) out.push(paint(c, "32", "No cryptomining incident found."));
  else out.push(paint(c, "1", `${incidents.length} incident${incidents.length > 1 ? "s" : ""}`));
  for (const inc of incidents) {
    out.push("");
    const sev = paint(c, SEV_COLOR[inc.severity] ?? "0", inc.severity.toUpperCase());
    out.push(`${paint(c, "1", inc.id)}  ${sev}  ${inc.priority}  confidence ${Math.round(inc.confidence * 100)}%${inc.sample ? paint(c, "35", "  SAMPLE") : ""}`);
    out.push(`  ${safe(inc.title)}`);
    const s = inc.scope;
    out.push(`  ${inc.environment}; scope: ${s.hosts} host(s), ${s.instances} instance(s), ${s.regions} region(s), ${s.accounts} account(s)${s.clusters ? `, ${s.clusters} cluster(s)` : ""}; host type ${inc.hostType}`);
    out.push(`  seen ${inc.firstSeen || "?"} → ${inc.lastSeen || "?"}${inc.billingUsd !== undefined ? `; billing impact $${inc.billingUsd.toFixed(2)}` : ""}`);
    if (inc.decision) {
      out.push(`  PB-31: ${inc.decision.path.join(" → ")}  ⇒  ${paint(c, "1", inc.decision.action.en)}`);
      for (const r of inc.decision.reasons.slice(0, 4)) out.push(`         · ${safe(r.en)}`);
    }
    for (const e of inc.escalations) out.push(`  ${paint(c, "1;35", "Escalate")} → ${safe(e.target.en)}: ${safe(e.reason.en)}`);
    const done = inc.checklist.filter((i) => i.done).length;
    if (inc.checklist.length) out.push(`  checklist: ${done}/${inc.checklist.length} answered by evidence`);
    const fs = inc.findingIds.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined)
      .sort((a, b) => b.confidence - a.confidence);
    for (const f of fs.slice(0, max)) {
      out.push(`    - ${paint(c, SEV_COLOR[f.severity] ?? "0", f.severity.padEnd(8))} ${String(Math.round(f.confidence * 100)).padStart(3)}%  ${safe(f.title)}${f.sample ? " (sample)" : ""}`);
      out.push(`      ${paint(c, "2", `${f.rule.id} · ${safe(where(f))}${f.evidenceCount > 1 ? ` (+${f.evidenceCount - 1} more)` : ""}`)}`);
    }
    if (fs.length > max) out.push(`    … and ${fs.length - max} more findings (--format json for all)`);
  }

  const loose = result.findings.filter((f) => !inIncident.has(f.id));
  if (loose.length) {
    out.push("");
    out.push(paint(c, "1", `${loose.length} finding(s) not in any incident (weak signals alone)`));
    for (const f of loose.slice(0, opts.verbose ? loose.length : max)) {
      out.push(`  - ${String(Math.round(f.confidence * 100)).padStart(3)}%  ${safe(f.title)}  ${paint(c, "2", safe(where(f)))}`);
    }
    if (!opts.verbose && loose.length > max) out.push(`  … and ${loose.length - max} more`);
  }

  out.push("");
  const secs = result.durationMs / 1000;
  const readFiles = result.files.filter((f) => !f.error).length;
  out.push(paint(c, "2", `Read ${readFiles} of ${result.files.length} file(s), ${result.events} event(s)${result.skipped ? ` (+${result.skipped} skipped by prefilter)` : ""} in ${secs.toFixed(2)} s.`));
  if (result.issuesTotal > 0) {
    out.push(paint(c, "33", `${result.issuesTotal} input problem(s):`));
    for (const i of result.issues.slice(0, opts.verbose ? 200 : 10)) {
      const pos = i.line !== undefined ? `:${i.line}` : i.offset !== undefined ? ` @${i.offset}` : "";
      out.push(`  ${safe(i.file)}${pos}: ${safe(i.message)}`);
    }
    if (result.issuesTotal > (opts.verbose ? 200 : 10)) out.push(`  … (--format json lists up to 1000; -v shows more)`);
  }
  return out.join("\n") + "\n";
}
