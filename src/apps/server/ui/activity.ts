/** One timeline entry (an analyst's or a scan's change) as a sentence in the page's language. */
import { t } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import { INCIDENT_STATUSES } from "../../../model/index.js";
import type { TimelineEntry, TimelineValue } from "../../../store/types.js";

function text(v: TimelineValue | undefined): string {
  if (v === null || v === undefined) return "—";
  return Array.isArray(v) ? v.join(", ") : String(v);
}

function statusText(v: TimelineValue | undefined, lang: Lang): string {
  const s = text(v);
  return (INCIDENT_STATUSES as readonly string[]).includes(s) ? t(lang, `status.${s as (typeof INCIDENT_STATUSES)[number]}`) : s;
}

/** `itemText` names a checklist item by its text in the playbook ("Kill the mining process") rather than its id. */
export function activityText(e: TimelineEntry, lang: Lang, itemText: (id: string) => string = (id) => id): string {
  const d = e.data;
  switch (e.kind) {
    case "created": return t(lang, "ui.activity.created", { count: text(d.findings) });
    case "findings-joined": return t(lang, "ui.activity.joined", { count: text(d.count ?? d.findings) });
    case "status-changed": return t(lang, "ui.activity.status", { from: statusText(d.from, lang), to: statusText(d.to, lang) }) + (d.reason ? ` (${text(d.reason)})` : "");
    case "checklist-ticked": return t(lang, "ui.activity.ticked", { item: itemText(text(d.item)) });
    case "checklist-unticked": return t(lang, "ui.activity.unticked", { item: itemText(text(d.item)) });
    case "note": return t(lang, "ui.activity.note", { excerpt: text(d.excerpt) });
    case "assigned": return t(lang, "ui.activity.assigned", { to: text(d.to) });
    case "closed": return t(lang, "ui.activity.closed", { reason: text(d.reason) });
  }
}
