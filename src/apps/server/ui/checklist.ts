/** The incident's PB-31 checklists: each item with its state, who answered it and when, and a tick/untick form. */
import { formatTime, pick } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import type { ChecklistItemState, Incident } from "../../../model/index.js";
import type { ChecklistPhase, Playbook } from "../../../playbook/index.js";
import type { AuthUser } from "../contract.js";
import { roleAtLeast } from "../contract.js";
import { href, html } from "./html.js";
import type { SafeHtml } from "./html.js";
import { csrfField, translator } from "./page.js";

export const PHASES: readonly ChecklistPhase[] = ["analysis", "containment", "eradication", "recovery"];

export interface ChecklistEntry { id: string; phase: ChecklistPhase; text: string; how?: string }

/** Every item the playbook lists, in its order, with its full id ("containment.kill"). */
export function checklistEntries(playbook: Playbook, lang: Lang): ChecklistEntry[] {
  return [
    ...playbook.analysis.map((i) => ({ id: `analysis.${i.id}`, phase: "analysis" as const, text: pick(i.text, lang), how: pick(i.how, lang) })),
    ...(["containment", "eradication", "recovery"] as const).flatMap((phase) =>
      playbook[phase].map((i) => ({ id: `${phase}.${i.id}`, phase, text: pick(i.text, lang), ...(i.tools ? { how: pick(i.tools, lang) } : {}) }))),
  ];
}

/** The DOM id of an item's row; item ids are playbook ids (letters, digits, dots, dashes), made safe anyway. */
export function itemDomId(itemId: string): string {
  return `item-${itemId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export function checklistItem(incident: Incident, entry: ChecklistEntry, state: ChecklistItemState | undefined, lang: Lang, user: AuthUser | undefined): SafeHtml {
  const tr = translator(lang);
  const done = state?.done === true;
  const who = !state || (!state.done && !state.by) ? html`<span class="who">${tr("checklist.open")}</span>`
    : state.answeredBy === "evidence" ? html`<span class="who">${tr("ui.checklist.byEvidence", { count: state.findings?.length ?? 0 })}</span>`
      : html`<span class="who">${tr(done ? "ui.checklist.tickedBy" : "ui.checklist.untickedBy", { by: state.by ?? "?", at: state.at ? formatTime(state.at) : "" })}${state.answer ? html`: ${state.answer}` : ""}</span>`;
  const canChange = user ? roleAtLeast(user.role, "analyst") : false;
  const action = href("/incidents", [incident.id, "checklist", entry.id]);
  const form = canChange ? html`<form method="post" action="${action}" hx-post="${action}" hx-target="#${itemDomId(entry.id)}" hx-swap="outerHTML">
    ${csrfField(user)}<input type="hidden" name="done" value="${done ? "false" : "true"}">
    <button type="submit" data-item="${entry.id}">${tr(done ? "ui.checklist.untick" : "ui.checklist.tick")}</button></form>` : "";
  return html`<li id="${itemDomId(entry.id)}" class="${done ? "done" : "open"}" data-item-state="${done ? "done" : "open"}">
  <span class="mark">${done ? "☑" : "☐"}</span>
  <div>${entry.text}${entry.how ? html`<br><span class="muted">${entry.how}</span>` : ""}<br>${who}</div>
  <div>${form}</div>
</li>`;
}

export function checklistSection(incident: Incident, playbook: Playbook, lang: Lang, user: AuthUser | undefined): SafeHtml {
  const tr = translator(lang);
  const state = new Map(incident.checklist.map((c) => [c.id, c]));
  const entries = checklistEntries(playbook, lang);
  return html`${PHASES.map((phase) => {
    const items = entries.filter((e) => e.phase === phase);
    if (items.length === 0) return "";
    const done = items.filter((e) => state.get(e.id)?.done).length;
    return html`<h3>${tr(`checklist.phase.${phase}`)} <span class="muted">(${tr("checklist.progress", { done, total: items.length })})</span></h3>
<ul class="checklist">${items.map((e) => checklistItem(incident, e, state.get(e.id), lang, user))}</ul>`;
  })}`;
}
