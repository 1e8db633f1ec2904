/**
 * Escaping for every output kind, in one place: the terminal (every CLI command's text output), HTML and
 * Markdown. Log-derived text, rule files and intel are attacker-controlled: on a terminal they must never
 * move the cursor, recolour, retitle, reorder (bidi) or hide text; in HTML never become markup; in
 * Markdown never links, emphasis, raw HTML or a broken table.
 */

/**
 * Characters a terminal must not receive raw from attacker text, made visible as `\uXXXX`:
 * - C0 controls U+0000-U+001F (ESC starts colour, cursor and title sequences; CR and LF forge lines),
 *   DEL U+007F and the C1 controls U+0080-U+009F (U+009B is a one-byte CSI);
 * - bidi controls that reorder what is shown: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069;
 * - invisible characters that hide or split text: U+200B-U+200D, U+2060, U+FEFF;
 * - the line and paragraph separators U+2028-U+2029.
 */
export function isTerminalUnsafe(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x061c || (code >= 0x200b && code <= 0x200f)
    || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2060 && code <= 0x2069) || code === 0xfeff;
}

/** Text for a terminal: one line, every unsafe character shown as a visible `\uXXXX` escape. */
export function terminal(text: string): string {
  let out = "";
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isTerminalUnsafe(code)) continue;
    out += text.slice(runStart, i) + `\\u${code.toString(16).padStart(4, "0")}`;
    runStart = i + 1;
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  let out = "";
  // Controls and bidi/zero-width characters first become visible \uXXXX: a browser would reorder or hide them.
  for (const ch of terminal(text)) out += HTML_ENTITIES[ch] ?? ch;
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
  // Line breaks become spaces; the other controls and bidi/zero-width characters visible \uXXXX (terminals and viewers).
  for (const ch of terminal(text.replace(/[\r\n]+/g, " "))) {
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
