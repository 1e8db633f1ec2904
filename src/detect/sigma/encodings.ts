/**
 * The encoding modifiers (base64, base64offset, utf16le/wide, utf16be, utf16) and windash.
 * Byte strings are held as JavaScript strings with one character per byte (latin1), flagged
 * `binary` on the SigmaStr, so they can be chained: `|wide|base64offset|contains` is the
 * PowerShell `-EncodedCommand` pattern.
 */
import { makeStr, type SigmaStr, type StrPart } from "./sigma-string.js";

function bytesOf(text: string, binary: boolean): Buffer {
  return binary ? Buffer.from(text, "latin1") : Buffer.from(text, "utf8");
}

export function base64(text: string, binary: boolean): string {
  return bytesOf(text, binary).toString("base64");
}

/**
 * The three forms a value takes when it sits at byte offset 0, 1 or 2 of a longer base64 text:
 * encode i spaces plus the value, drop the characters the padding bytes influence at the start
 * (0, 2, 3) and at the end (none, 3 or 2, depending on (length + i) mod 3). Same output as pySigma.
 */
export function base64Offsets(text: string, binary: boolean): string[] {
  const value = bytesOf(text, binary);
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i, 0x20), value]).toString("base64");
    const cut = endCut[(value.length + i) % 3]!;
    out.push(encoded.slice(startCut[i]!, cut === 0 ? undefined : encoded.length - cut));
  }
  return out;
}

function utf16leBytes(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode(c & 0xff, c >> 8);
  }
  return out;
}

function utf16beBytes(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += String.fromCharCode(c >> 8, c & 0xff);
  }
  return out;
}

export type Utf16Kind = "utf16le" | "utf16be" | "utf16";

/**
 * UTF-16 encode the literal parts of a string, keeping its wildcards. `utf16` is little-endian with
 * the byte-order mark FF FE in front (spec), which pySigma renders differently; we follow the spec.
 */
export function utf16(s: SigmaStr, kind: Utf16Kind): SigmaStr {
  const enc = kind === "utf16be" ? utf16beBytes : utf16leBytes;
  const parts: StrPart[] = s.parts.map((p) => (typeof p === "string" ? enc(p) : p));
  if (kind === "utf16") parts.unshift("\xff\xfe");
  return makeStr(parts, true);
}

/** The five characters windash puts where a command-line flag dash or slash may be. */
export const WINDASH_CHARS = ["-", "/", "\u2013", "\u2014", "\u2015"] as const;

/** Cap on windash expansion: 5^6 variants (the SigmaHQ corpus needs at most 5^2). */
export const WINDASH_MAX_POSITIONS = 6;

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && WORD_CHAR.test(c);
}

/**
 * Positions in a literal part where pySigma's `\B[-/]\b` holds: a `-` or `/` that starts a word
 * (the character before it is not a word character, the one after it is).
 */
function windashPositions(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== "-" && c !== "/") continue;
    if (isWordChar(text[i - 1])) continue;
    if (!isWordChar(text[i + 1])) continue;
    out.push(i);
  }
  return out;
}

/** Count of flag positions windash would vary in a string. */
export function windashCount(s: SigmaStr): number {
  let n = 0;
  for (const p of s.parts) if (typeof p === "string") n += windashPositions(p).length;
  return n;
}

/** Every windash variant of a string (all combinations of the five characters at each position). */
export function windash(s: SigmaStr): SigmaStr[] {
  let variants: StrPart[][] = [[]];
  for (const p of s.parts) {
    if (typeof p !== "string") {
      for (const v of variants) v.push(p);
      continue;
    }
    const positions = windashPositions(p);
    let texts = [""];
    let last = 0;
    for (const pos of positions) {
      const before = p.slice(last, pos);
      const next: string[] = [];
      for (const t of texts) for (const c of WINDASH_CHARS) next.push(t + before + c);
      texts = next;
      last = pos + 1;
    }
    const rest = p.slice(last);
    const grown: StrPart[][] = [];
    for (const v of variants) for (const t of texts) grown.push([...v, t + rest]);
    variants = grown;
  }
  return variants.map((parts) => makeStr(parts, s.binary));
}

