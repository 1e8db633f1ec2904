/**
 * Sigma string values: plain text with the wildcards `*` (any run) and `?` (one character), and the
 * escapes of the specification. A backslash escapes only `*`, `?` and another backslash; before any
 * other character, and at the very end, it stays a literal backslash (so `C:\Windows` and
 * `C:\\Windows` mean the same, and `\\\*` is a backslash then a literal `*`).
 *
 * A parsed string is a list of parts: literal text, the two wildcards, and `%name%` placeholders
 * (only when the `expand` modifier asked for them).
 */

export const ANY = 0 as const;
export const ONE = 1 as const;
export interface Placeholder { placeholder: string }
export type StrPart = string | typeof ANY | typeof ONE | Placeholder;

export interface SigmaStr {
  readonly parts: readonly StrPart[];
  /** True once an encoding modifier (utf16*) turned the text into bytes, one per character. */
  readonly binary: boolean;
}

function merge(parts: StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    if (typeof p === "string") {
      if (p === "") continue;
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + p;
      else out.push(p);
    } else out.push(p);
  }
  return out;
}

export function makeStr(parts: StrPart[], binary = false): SigmaStr {
  return { parts: merge(parts), binary };
}

/** Parse a rule value with wildcards and escapes. */
export function parseSigmaString(raw: string): SigmaStr {
  const parts: StrPart[] = [];
  let acc = "";
  let escaped = false;
  for (const c of raw) {
    if (escaped) {
      acc += c === "*" || c === "?" || c === "\\" ? c : "\\" + c;
      escaped = false;
    } else if (c === "\\") {
      escaped = true;
    } else if (c === "*" || c === "?") {
      parts.push(acc, c === "*" ? ANY : ONE);
      acc = "";
    } else {
      acc += c;
    }
  }
  if (escaped) acc += "\\";
  parts.push(acc);
  return makeStr(parts);
}

/** A string with no special parts at all. */
export function literalStr(text: string, binary = false): SigmaStr {
  return makeStr([text], binary);
}

export function hasWildcards(s: SigmaStr): boolean {
  return s.parts.some((p) => p === ANY || p === ONE);
}

export function hasPlaceholders(s: SigmaStr): boolean {
  return s.parts.some((p) => typeof p === "object");
}

/** The text of a string without special parts; undefined when it has any. */
export function plainText(s: SigmaStr): string | undefined {
  if (s.parts.length === 0) return "";
  if (s.parts.length === 1 && typeof s.parts[0] === "string") return s.parts[0];
  return undefined;
}

export function startsWithAny(s: SigmaStr): boolean {
  return s.parts[0] === ANY;
}

export function endsWithAny(s: SigmaStr): boolean {
  return s.parts[s.parts.length - 1] === ANY;
}

export function prependAny(s: SigmaStr): SigmaStr {
  return startsWithAny(s) ? s : makeStr([ANY, ...s.parts], s.binary);
}

export function appendAny(s: SigmaStr): SigmaStr {
  return endsWithAny(s) ? s : makeStr([...s.parts, ANY], s.binary);
}

/** Whether a literal part holds a `*` or `?` (an escaped wildcard, pySigma's EscapedWildcardValidator). */
export function hasEscapedWildcard(s: SigmaStr): boolean {
  return s.parts.some((p) => typeof p === "string" && (p.includes("*") || p.includes("?")));
}

/**
 * Turn `%name%` in literal parts into placeholders (the `expand` modifier); `\%` is a literal `%`.
 * The backslash of `\%` survived parsing (it escapes nothing special there), so it is seen here.
 */
export function insertPlaceholders(s: SigmaStr): SigmaStr {
  const out: StrPart[] = [];
  for (const p of s.parts) {
    if (typeof p !== "string") { out.push(p); continue; }
    let text = "";
    let i = 0;
    while (i < p.length) {
      const c = p[i]!;
      if (c === "\\" && p[i + 1] === "%") { text += "%"; i += 2; continue; }
      if (c === "%") {
        const end = p.indexOf("%", i + 1);
        if (end > i + 1) {
          out.push(text, { placeholder: p.slice(i + 1, end) });
          text = "";
          i = end + 1;
          continue;
        }
      }
      text += c;
      i++;
    }
    out.push(text);
  }
  return makeStr(out, s.binary);
}

/** Map every literal part through `fn`, keeping wildcards and placeholders. */
export function mapLiterals(s: SigmaStr, fn: (text: string) => string, binary = s.binary): SigmaStr {
  return makeStr(s.parts.map((p) => (typeof p === "string" ? fn(p) : p)), binary);
}

/** Render back to Sigma syntax (for messages). */
export function showSigmaString(s: SigmaStr): string {
  return s.parts.map((p) => {
    if (p === ANY) return "*";
    if (p === ONE) return "?";
    if (typeof p === "object") return `%${p.placeholder}%`;
    return p.replace(/\\/g, "\\\\").replace(/\*/g, "\\*").replace(/\?/g, "\\?");
  }).join("");
}
