/**
 * File names are bytes. Linux allows any byte but "/" and NUL in a name, so a name need not be UTF-8 and may
 * hold newlines or terminal controls. minerhunt reads such a file through its raw bytes and shows (and
 * stores, in evidence) a printable form that still leads back to the file:
 *
 * - valid UTF-8 text is kept as it is, except
 * - a byte that is not part of valid UTF-8 is written `\xNN` (two lower-case hex digits),
 * - a control character is written by its bytes, each as `\xNN`: U+0000-U+001F and U+007F as one byte
 *   (a newline is `\x0a`), U+0080-U+009F as two (`\xc2\x85`),
 * - a backslash is written `\\`, so the form can be read back without doubt (see rawPath).
 *
 * Every path the walk yields is in this form, typed or found (a typed path has no control characters or
 * backslashes in practice, so it shows as typed); `rawPath` gives back the bytes that open it.
 */

const BACKSLASH = 0x5c;

function hex2(n: number): string {
  return `\\x${n.toString(16).padStart(2, "0")}`;
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there does not start one. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const need = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > b.length) return 0;
  for (let k = 1; k < need; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF are not valid UTF-8.
  const c1 = b[i + 1]!;
  if (c === 0xe0 && c1 < 0xa0) return 0;
  if (c === 0xed && c1 >= 0xa0) return 0;
  if (c === 0xf0 && c1 < 0x90) return 0;
  if (c === 0xf4 && c1 >= 0x90) return 0;
  return need;
}

/** The printable form of a name (or a whole path) given as bytes. */
export function displayName(raw: Uint8Array): string {
  let out = "";
  let runStart = 0; // start of a run of bytes that are kept as decoded text
  const flush = (end: number) => {
    if (end > runStart) out += Buffer.from(raw.buffer, raw.byteOffset + runStart, end - runStart).toString("utf8");
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    const n = utf8SequenceLength(raw, i);
    const control = n === 1 ? c < 0x20 || c === 0x7f : n === 2 && c === 0xc2 && raw[i + 1]! < 0xa0;
    if (n === 0 || control || c === BACKSLASH) {
      flush(i);
      out += n === 0 ? hex2(c) : c === BACKSLASH ? "\\\\" : n === 2 ? hex2(c) + hex2(raw[i + 1]!) : hex2(c);
      i += n === 0 ? 1 : n;
      runStart = i;
      continue;
    }
    i += n;
  }
  flush(raw.length);
  return out;
}

/** The bytes a printable form stands for: the inverse of displayName. */
export function rawPath(display: string): Buffer {
  const parts: Buffer[] = [];
  let runStart = 0;
  for (let i = 0; i < display.length; i++) {
    if (display[i] !== "\\") continue;
    const next = display[i + 1];
    if (next === "\\") {
      parts.push(Buffer.from(display.slice(runStart, i), "utf8"), Buffer.from([BACKSLASH]));
      i++;
      runStart = i + 1;
    } else if (next === "x" && /^[0-9a-f]{2}$/.test(display.slice(i + 2, i + 4))) {
      parts.push(Buffer.from(display.slice(runStart, i), "utf8"), Buffer.from([parseInt(display.slice(i + 2, i + 4), 16)]));
      i += 3;
      runStart = i + 1;
    }
  }
  parts.push(Buffer.from(display.slice(runStart), "utf8"));
  return Buffer.concat(parts);
}

