/**
 * The playbook's checklists with what answered each item (evidence or a person), and the ATT&CK
 * techniques with names and tactics from data/mitre/attack.yaml, tactics in the report's language.
 */
import type { Finding, Incident } from "../model/index.js";
import { formatTime, pick, t } from "../i18n/index.js";
import type { Lang } from "../i18n/index.js";
import type { ActionItem, ChecklistPhase, Playbook } from "../playbook/index.js";
import { tacticsOf, technique } from "./mitre.js";
import type { Tactic } from "./mitre.js";
import type { Block, Section } from "./view-model.js";
import { DONE_MARK, OPEN_MARK, dynamicKey } from "./view-model.js";

const MAX_IDS_PER_ITEM = 8;

export function checklistSection(incident: Incident, playbook: Playbook, lang: Lang): Section {
  const state = new Map(incident.checklist.map((c) => [c.id, c]));
  const answered = (id: string): [string, string] => {
    const s = state.get(id);
    if (!s?.done) return [OPEN_MARK, t(lang, "checklist.open")];
    if (s.answeredBy === "analyst") {
      return [DONE_MARK, t(lang, "checklist.byAnalyst", { by: s.by ?? "" }) + (s.at ? ` (${formatTime(s.at)})` : "") + (s.answer ? `: ${s.answer}` : "")];
    }
    const ids = s.findings ?? [];
    const listed = ids.slice(0, MAX_IDS_PER_ITEM).join(", ") + (ids.length > MAX_IDS_PER_ITEM ? ` (+${ids.length - MAX_IDS_PER_ITEM})` : "");
    return [DONE_MARK, t(lang, "checklist.byEvidence", { findings: listed || t(lang, "common.none") })];
  };
  const blocks: Block[] = [];
  const doneCount = (phase: ChecklistPhase, ids: readonly string[]) => ids.filter((id) => state.get(`${phase}.${id}`)?.done).length;

  const analysisIds = playbook.analysis.map((i) => i.id);
  blocks.push({
    kind: "table",
    caption: `${t(lang, "checklist.phase.analysis")} (${t(lang, "checklist.progress", { done: doneCount("analysis", analysisIds), total: analysisIds.length })})`,
    headers: [t(lang, "checklist.item"), t(lang, "checklist.how"), t(lang, "checklist.done"), t(lang, "checklist.evidence")],
    rows: playbook.analysis.map((i) => [pick(i.text, lang), pick(i.how, lang), ...answered(`analysis.${i.id}`)]),
  });
  const actionTable = (phase: Exclude<ChecklistPhase, "analysis">, items: readonly ActionItem[]) => {
    const ids = items.map((i) => i.id);
    const withTools = items.some((i) => i.tools);
    blocks.push({
      kind: "table",
      caption: `${t(lang, `checklist.phase.${phase}`)} (${t(lang, "checklist.progress", { done: doneCount(phase, ids), total: ids.length })})`,
      headers: [
        "#", t(lang, "checklist.item"), ...(withTools ? [t(lang, "checklist.tools")] : []), t(lang, "checklist.actions"),
        t(lang, "checklist.done"), t(lang, "checklist.evidence"),
      ],
      rows: items.map((i, n) => [
        String(n + 1), pick(i.text, lang), ...(withTools ? [i.tools ? pick(i.tools, lang) : ""] : []), i.actions.join(", "),
        ...answered(`${phase}.${i.id}`),
      ]),
    });
  };
  actionTable("containment", playbook.containment);
  if (playbook.regionSweep && incident.environment !== "on-premise") {
    for (const c of playbook.regionSweep.commands) {
      blocks.push({ kind: "code", caption: `${pick(playbook.regionSweep.title, lang)}: ${pick(c.comment, lang)}`, text: c.shell.trimEnd() });
    }
  }
  actionTable("eradication", playbook.eradication);
  actionTable("recovery", playbook.recovery);
  return { id: "checklist", title: t(lang, "section.checklist"), blocks };
}

export function mitreSection(findings: readonly Finding[], playbook: Playbook, lang: Lang): Section {
  const counts = new Map<string, number>();
  for (const f of findings) for (const id of new Set(f.mitre)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const rows: string[][] = [];
  const seen = new Set<string>();
  for (const m of playbook.mitre) {
    seen.add(m.technique);
    const n = counts.get(m.technique);
    const source = t(lang, "mitre.fromPlaybook", { id: playbook.id }) + (n ? `, ${t(lang, "mitre.fromFindings", { count: n })}` : "");
    const tactics = tacticsOf(m.technique);
    rows.push([m.technique, technique(m.technique)?.name ?? m.name,
      tactics.length ? tacticText(tactics, lang) : tacticText([{ id: m.tactic, name: m.tacticName }], lang), source]);
  }
  for (const [id, n] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (seen.has(id)) continue;
    const tactics = tacticsOf(id);
    rows.push([id, technique(id)?.name ?? t(lang, "common.none"), tactics.length ? tacticText(tactics, lang) : t(lang, "common.none"),
      t(lang, "mitre.fromFindings", { count: n })]);
  }
  return {
    id: "mitre",
    title: t(lang, "section.mitre"),
    blocks: [{ kind: "table", headers: [t(lang, "mitre.technique"), t(lang, "mitre.name"), t(lang, "mitre.tactic"), t(lang, "mitre.source")], rows }],
  };
}

/** "Impact (TA0040)"; in Thai the tactic's Thai name from the catalogue. */
function tacticText(tactics: readonly Tactic[], lang: Lang): string {
  return tactics.map((tc) => {
    const key = `rpt.tactic.${tc.id}`;
    const word = t(lang, dynamicKey(key));
    return `${word === key ? tc.name : word} (${tc.id})`;
  }).join(", ");
}
