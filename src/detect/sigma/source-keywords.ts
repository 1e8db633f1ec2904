/**
 * For the sources' raw-record prefilter (src/detect/prefilter.ts takes extra keywords): the
 * lowercased literals the loaded rules need for the events of one source. A source may skip a raw
 * record that contains none of them without hiding a Sigma match, as long as the record's text holds
 * its field values as they are (JSON's `\\` for a backslash still contains the literal's backslash;
 * quotes and control characters do not survive escaping). Returns null when some rule routed to
 * those events needs no literal, or one with such characters: then the prefilter must stay off.
 */
import type { Event } from "../../model/index.js";
import { routeAccepts } from "./routing.js";
import type { CompiledRule } from "./types.js";

function survivesJsonEscaping(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22) return false;
  }
  return true;
}

/** `shape` is what the source's events look like to routing: event.dataset, event.category, host.os.type. */
export function sourceKeywords(rules: readonly CompiledRule[], shape: Event): string[] | null {
  const out = new Set<string>();
  for (const r of rules) {
    if (r.kind !== "detection" || !r.route || !routeAccepts(r.route, shape)) continue;
    if (r.witness === null) return null;
    for (const lit of r.witness) {
      if (lit.text === "" || !survivesJsonEscaping(lit.text)) return null;
      out.add(lit.text);
    }
  }
  return [...out];
}
