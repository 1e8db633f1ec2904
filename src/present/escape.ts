/**
 * Escaping for everything that reaches a report. Log-derived text is attacker-controlled: in HTML it
 * must never become markup, in Markdown never links, emphasis, raw HTML or a broken table.
 */

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  let out = "";
  for (const ch of text) out += HTML_ENTITIES[ch] ?? ch;
  return out;
}

/** JSON inside <script type="application/json">: no "<" may appear, so "</script>" cannot end it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Characters with Markdown meaning anywhere in a line (emphasis, code, links, tables, strikethrough). */
const MD_INLINE = new Set(["\\", "`", "*", "_", "[", "]", "|", "~"]);

/**
 * Text for Markdown paragraphs, list items and table cells: HTML is neutralised as entities
 * (Markdown renderers pass raw HTML through), inline punctuation is backslash-escaped, a leading
 * block marker (# heading, - + list, 1. ordered list, > quote) is escaped, and line breaks become
 * spaces so a value cannot end a table row or start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  let out = "";
  for (const ch of text.replace(/[\r\n]+/g, " ")) {
    if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === "&") out += "&amp;";
    else if (MD_INLINE.has(ch)) out += `\\${ch}`;
    else out += ch;
  }
  // A block marker counts only when a space (or the end) follows it, as in CommonMark.
  const lead = /^(\s*)(#{1,6}|-|\+|\d{1,9}[.)])(?= |$)/.exec(out);
  if (lead) {
    const [, space = "", marker = ""] = lead;
    out = `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}${out.slice(space.length + marker.length)}`;
  }
  return out;
}

/**
 * A value shown as code in Markdown (IOCs, paths). Not a backtick span: a span cannot hold every
 * value safely and "|" would still split a table cell. HTML <code> around Markdown-escaped text is
 * inert in both (raw HTML tags pass through, the text between them stays escaped).
 */
export function markdownCode(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}
