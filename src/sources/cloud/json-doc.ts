/**
 * Reading JSON inputs that hold records, whatever the packaging: one document (`{"Records":[...]}`,
 * `[...]`, one pretty-printed object) or one record per line (NDJSON), gzipped or not.
 *
 * Records must keep the line they start on, and one broken record must not hide the others. So a
 * multi-line document is not handed to JSON.parse whole: a small scanner finds where each value
 * starts and ends (strings and bracket depth only, no recursion), and each record is parsed on its
 * own. A record that does not parse becomes an issue that names it; its neighbours still come out.
 * A value on a single line (an NDJSON line, a one-line S3 file of moderate size) is parsed whole,
 * since all its records share that line; only if that fails is it scanned to save the good ones.
 *
 * NDJSON is read line by line (streaming, bounded per line); a document is read whole (bounded by
 * MAX_DOCUMENT_BYTES) because its records can only be located once the text is there.
 */
import { isUtf8 } from "node:buffer";
import { DEFAULT_LIMITS, splitLines } from "../input.js";
import type { Input, ParseContext } from "../types.js";

/** A whole-document JSON input larger than this is refused with an issue. */
export const MAX_DOCUMENT_BYTES = DEFAULT_LIMITS.maxDocumentBytes;
/** How much of the input is looked at to decide between NDJSON and one document. */
const HEAD_BYTES = 64 * 1024;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string literal that starts at s[i] (a quote), or -1 when it never closes. */
function skipString(s: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = s.indexOf('"', from);
    if (q === -1) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let k = q - 1;
    while (k > i && s.charCodeAt(k) === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

// Finds the next character that matters to bracket depth. A single character class: linear time.
const STRUCTURAL = /["{}[\]]/g;

/**
 * Index just past the JSON value that starts at s[i], or -1 when it never ends. Only strings and
 * bracket depth are followed: whether the value is valid JSON is JSON.parse's job afterwards.
 */
export function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    let j = i;
    for (;;) {
      STRUCTURAL.lastIndex = j;
      const m = STRUCTURAL.exec(s);
      if (!m) return -1;
      const at = m.index;
      const ch = s.charCodeAt(at);
      if (ch === QUOTE) {
        const end = skipString(s, at);
        if (end === -1) return -1;
        j = end;
        continue;
      }
      if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
      else if (--depth === 0) return at + 1;
      j = at + 1;
    }
  }
  // A scalar (number, true, false, null) runs to the next delimiter.
  let j = i;
  while (j < s.length) {
    const ch = s.charCodeAt(j);
    if (ch === COMMA || ch === CLOSE_BRACKET || ch === CLOSE_BRACE || isWs(ch)) break;
    j++;
  }
  return j > i ? j : -1;
}

/**
 * Line numbers of positions in a text. Positions are mostly asked for in increasing order, so the
 * count moves on from the last position instead of starting over, and the next newline is
 * remembered: a one-line document of 100 MB must not be searched again for every record in it.
 */
class LineCounter {
  private pos = 0;
  private line: number;
  /** Index of the first newline at or after pos, or -1 when there is none. */
  private nextNl: number;
  constructor(private readonly text: string, private readonly first: number) {
    this.line = first;
    this.nextNl = text.indexOf("\n");
  }
  lineAt(target: number): number {
    if (target < this.pos) {
      // Backwards (rare: elements of a member after later members were listed): uncount the
      // newlines between, looking back from the last position only as far as the target.
      let nl = this.pos > 0 ? this.text.lastIndexOf("\n", this.pos - 1) : -1;
      while (nl !== -1 && nl >= target) {
        this.line--;
        this.nextNl = nl;
        nl = nl > 0 ? this.text.lastIndexOf("\n", nl - 1) : -1;
      }
      this.pos = target;
      return this.line;
    }
    while (this.nextNl !== -1 && this.nextNl < target) {
      this.line++;
      this.nextNl = this.text.indexOf("\n", this.nextNl + 1);
    }
    this.pos = target;
    return this.line;
  }
}

/** A text holding JSON, and how to turn positions in it into input line numbers. */
export class JsonText {
  private readonly counter: LineCounter | undefined;
  private readonly first: number;
  /**
   * @param fixedLine every position is on this line (one NDJSON line, or text decoded from a
   *   field such as base64 Pub/Sub data, whose records all belong to the line of their envelope).
   */
  constructor(readonly text: string, firstLine: number, readonly fixedLine = false) {
    this.counter = fixedLine ? undefined : new LineCounter(text, firstLine);
    this.first = firstLine;
  }
  lineAt(pos: number): number {
    return this.counter ? this.counter.lineAt(pos) : this.first;
  }
}

/**
 * One JSON value with the line it starts on. `elements()` and `member()` look inside it, so each
 * record of a wrapper can be parsed (and fail) on its own.
 */
export interface JsonNode {
  readonly line: number;
  /** Where the value sits, for messages: `Records[2]`, `[0]`; "" for a top-level value. */
  readonly path: string;
  readonly isObject: boolean;
  readonly isArray: boolean;
  /** The parsed value; throws an Error saying "invalid JSON: ..." when the text is not JSON. */
  value(): unknown;
  /** The elements of an array (empty for anything else). */
  elements(): JsonNode[];
  /** The keys of an object and their values, in order (first occurrence of a key wins). */
  members(): Map<string, JsonNode>;
  /** The value of a top-level key of an object, or undefined. */
  member(key: string): JsonNode | undefined;
  /** The value of a key, ignoring case (PascalCase API exports vs camelCase events). */
  memberCI(key: string): JsonNode | undefined;
}

function memberIgnoringCase(members: Map<string, JsonNode>, key: string): JsonNode | undefined {
  const exact = members.get(key);
  if (exact) return exact;
  const want = key.toLowerCase();
  for (const [k, v] of members) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** A value already parsed: its parts share its line (they sit on the same input line). */
class ValueNode implements JsonNode {
  constructor(private readonly v: unknown, readonly line: number, readonly path: string) {}
  get isObject(): boolean { return this.v !== null && typeof this.v === "object" && !Array.isArray(this.v); }
  get isArray(): boolean { return Array.isArray(this.v); }
  value(): unknown { return this.v; }
  elements(): JsonNode[] {
    return Array.isArray(this.v) ? this.v.map((x, i) => new ValueNode(x, this.line, `${this.path}[${i}]`)) : [];
  }
  members(): Map<string, JsonNode> {
    const out = new Map<string, JsonNode>();
    if (!this.isObject) return out;
    for (const [k, x] of Object.entries(this.v as Record<string, unknown>)) {
      out.set(k, new ValueNode(x, this.line, this.path ? `${this.path}.${k}` : k));
    }
    return out;
  }
  member(key: string): JsonNode | undefined { return this.members().get(key); }
  memberCI(key: string): JsonNode | undefined { return memberIgnoringCase(this.members(), key); }
}

/**
 * A value on one line of at most this many characters is parsed whole to look inside it: one
 * native JSON.parse instead of a scan (its parts all have that line anyway). Only when that parse
 * fails is it scanned, to save the good records next to a broken one.
 */
const PARSE_WHOLE_MAX_CHARS = 8 * 1024 * 1024;

/** A value inside a text, not parsed until asked. */
class SpanNode implements JsonNode {
  readonly line: number;
  private parsed: { ok: true; value: unknown } | { ok: false; error: string } | undefined;
  private memberCache: Map<string, JsonNode> | undefined;

  constructor(private readonly doc: JsonText, readonly start: number, readonly end: number, readonly path: string) {
    this.line = doc.lineAt(start);
  }

  get isObject(): boolean { return this.doc.text.charCodeAt(this.start) === OPEN_BRACE; }
  get isArray(): boolean { return this.doc.text.charCodeAt(this.start) === OPEN_BRACKET; }

  value(): unknown {
    if (!this.parsed) {
      try {
        this.parsed = { ok: true, value: JSON.parse(this.doc.text.slice(this.start, this.end)) };
      } catch (err) {
        this.parsed = { ok: false, error: (err as Error).message };
      }
    }
    if (!this.parsed.ok) throw new Error(`invalid JSON: ${this.parsed.error}`);
    return this.parsed.value;
  }

  /** This value as a parsed node, when it is small, on one line and valid JSON. */
  private whole(): ValueNode | undefined {
    if (this.end - this.start > PARSE_WHOLE_MAX_CHARS) return undefined;
    if (!this.doc.fixedLine) {
      const nl = this.doc.text.indexOf("\n", this.start);
      if (nl !== -1 && nl < this.end) return undefined;
    }
    try {
      return new ValueNode(this.value(), this.line, this.path);
    } catch {
      return undefined;
    }
  }

  /** A value that never ends becomes a last element running to the end, so reading it fails with an issue at its line. */
  elements(): JsonNode[] {
    if (!this.isArray) return [];
    const whole = this.whole();
    if (whole) return whole.elements();
    const s = this.doc.text;
    const out: JsonNode[] = [];
    let i = skipWs(s, this.start + 1);
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c === CLOSE_BRACKET) break;
      if (c === COMMA) { i = skipWs(s, i + 1); continue; } // lenient about stray commas; JSON.parse of the elements still checks them
      const end = skipValue(s, i);
      const path = `${this.path}[${out.length}]`;
      if (end === -1 || end > this.end) {
        out.push(new SpanNode(this.doc, i, this.end, path));
        break;
      }
      out.push(new SpanNode(this.doc, i, end, path));
      i = skipWs(s, end);
    }
    return out;
  }

  member(key: string): JsonNode | undefined {
    return this.members().get(key);
  }

  memberCI(key: string): JsonNode | undefined {
    return memberIgnoringCase(this.members(), key);
  }

  /** A value that never ends runs to the end of the object. */
  members(): Map<string, JsonNode> {
    if (this.memberCache) return this.memberCache;
    if (!this.isObject) return (this.memberCache = new Map());
    const whole = this.whole();
    if (whole) return (this.memberCache = whole.members());
    const out = new Map<string, JsonNode>();
    this.memberCache = out;
    const s = this.doc.text;
    let i = skipWs(s, this.start + 1);
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c === CLOSE_BRACE) break;
      if (c === COMMA) { i = skipWs(s, i + 1); continue; }
      if (c !== QUOTE) break; // not an object member: leave the rest to JSON.parse to report
      const keyEnd = skipString(s, i);
      if (keyEnd === -1 || keyEnd > this.end) break;
      let key: string;
      try {
        key = JSON.parse(s.slice(i, keyEnd)) as string;
      } catch {
        break;
      }
      i = skipWs(s, keyEnd);
      if (s.charCodeAt(i) !== COLON) break;
      i = skipWs(s, i + 1);
      const end = skipValue(s, i);
      const path = this.path ? `${this.path}.${key}` : key;
      if (end === -1 || end > this.end) {
        if (!out.has(key)) out.set(key, new SpanNode(this.doc, i, this.end, path));
        break;
      }
      if (!out.has(key)) out.set(key, new SpanNode(this.doc, i, end, path));
      i = skipWs(s, end);
    }
    return out;
  }
}

/** Parse a JSON text that came from inside a record (base64 data, a JSON string field) as a node. */
export function nodeOfText(text: string, line: number, path: string): JsonNode | undefined {
  const start = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (start >= text.length) return undefined;
  let end = text.length;
  while (end > start && isWs(text.charCodeAt(end - 1))) end--;
  return new SpanNode(new JsonText(text, line, true), start, end, path);
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Whether the head of an input is one JSON value per line: a complete first object on one line,
 * then a newline, then another value. Anything else (an array, one object, a first value longer than the head) is
 * read as a document, which also copes with NDJSON, only less lazily.
 */
function looksLikeJsonLines(head: string): boolean {
  let i = skipWs(head, head.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (head.charCodeAt(i) !== OPEN_BRACE) return false;
  const end = skipValue(head, i);
  if (end === -1) return false;
  // Pretty-printed objects one after another (`jq .` output) are not lines.
  const nl = head.indexOf("\n", i);
  if (nl !== -1 && nl < end) return false;
  i = end;
  while (i < head.length && (head.charCodeAt(i) === 32 || head.charCodeAt(i) === 9 || head.charCodeAt(i) === 13)) i++;
  if (head.charCodeAt(i) !== 10) return false;
  i = skipWs(head, i);
  const c = head.charCodeAt(i);
  return c === OPEN_BRACE || c === OPEN_BRACKET;
}

/**
 * The top-level JSON values of an input, each as a node with its line. A stretch that is not JSON
 * is reported once per line and skipped.
 */
export async function* readJsonNodes(input: Input, ctx: ParseContext): AsyncGenerator<JsonNode> {
  const it = input.stream()[Symbol.asyncIterator]();
  const headParts: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < HEAD_BYTES) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const b = toBuffer(r.value);
    headParts.push(b);
    headLen += b.length;
  }
  const head = Buffer.concat(headParts);
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield toBuffer(r.value);
    }
  }

  if (looksLikeJsonLines(head.subarray(0, HEAD_BYTES).toString("utf8"))) {
    for await (const l of splitLines(all(), (line, m, off) => ctx.issue(line, m, off), DEFAULT_LIMITS.maxLineBytes)) {
      const node = nodeOfText(l.text, l.line, "");
      if (node) yield node;
    }
    return;
  }

  const parts: Buffer[] = [];
  let total = 0;
  for await (const b of all()) {
    total += b.length;
    if (total > MAX_DOCUMENT_BYTES) {
      ctx.issue(undefined, `larger than ${MAX_DOCUMENT_BYTES} bytes: a JSON document is read whole; split it or convert it to one record per line (NDJSON)`);
      return;
    }
    parts.push(b);
  }
  const bytes = Buffer.concat(parts);
  if (!isUtf8(bytes)) ctx.issue(undefined, "invalid UTF-8: bad byte sequences were replaced with U+FFFD");
  yield* topLevelNodes(bytes.toString("utf8"), ctx);
}

/** The top-level values of a whole JSON text (one document, or several one after another). */
export function* topLevelNodes(text: string, ctx: ParseContext): Generator<JsonNode> {
  const doc = new JsonText(text, 1);
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      const line = doc.lineAt(i);
      ctx.issue(line, `expected a JSON object or array, found ${JSON.stringify(text.slice(i, i + 20))}; skipped to the next line`);
      const nl = text.indexOf("\n", i);
      if (nl === -1) return;
      i = skipWs(text, nl + 1);
      continue;
    }
    const end = skipValue(text, i);
    const node = new SpanNode(doc, i, end === -1 ? text.length : end, "");
    yield node;
    if (end === -1) return;
    i = skipWs(text, end);
  }
}
