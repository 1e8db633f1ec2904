/**
 * Where each JSON object starts, by path, so that a record read out of a whole JSON document can point at
 * its line ("minerhunt.line: for JSON arrays/documents, the line the record starts on"). JSON.parse
 * forgets positions; this is one linear scan beside it.
 *
 * Paths join keys and array indexes with "/": the root is "", `{"Datapoints":[{..},{..}]}` gives
 * "Datapoints/0" and "Datapoints/1". Only objects are recorded, only down to `maxDepth` levels, and at
 * most `maxEntries` of them, so a huge or deeply nested document costs bounded memory.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const MAX_KEY = 256;

interface Frame {
  isArray: boolean;
  path: string;
  /** Current key (objects) or element index (arrays, counted by commas). */
  key: string;
  index: number;
  expectKey: boolean;
}

export function objectStartLines(text: string, maxDepth = 5, maxEntries = 1_000_000): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
    } else if (c === QUOTE) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) j += 2;
        else if (d === QUOTE) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top && !top.isArray && top.expectKey) {
        top.key = decodeKey(text.slice(i + 1, Math.min(j, i + 1 + MAX_KEY)));
        top.expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? "" : childPath(parent);
      if (c === 0x7b && stack.length <= maxDepth && lines.size < maxEntries && !lines.has(path)) lines.set(path, line);
      stack.push({ isArray: c === 0x5b, path, key: "", index: 0, expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) {
        if (top.isArray) top.index++;
        else top.expectKey = true;
      }
    }
  }
  return lines;
}

function childPath(parent: Frame): string {
  const step = parent.isArray ? String(parent.index) : parent.key;
  return parent.path === "" ? step : `${parent.path}/${step}`;
}

function decodeKey(raw: string): string {
  if (!raw.includes("\\")) return raw;
  try {
    const v: unknown = JSON.parse(`"${raw}"`);
    return typeof v === "string" ? v : raw;
  } catch {
    return raw;
  }
}

/**
 * Parse a whole JSON document; on failure report one issue at the line of the error and return
 * undefined. V8 names a position for some errors only, so the position is found by jsonErrorOffset().
 */
export function parseJsonDocument(text: string, report: (line: number | undefined, message: string) => void, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, " ").slice(0, 120);
    const offset = jsonErrorOffset(text);
    report(offset !== undefined ? lineAt(text, offset) : undefined, `not valid JSON (${message}); expected ${what}`);
    return undefined;
  }
}

const enum State { Value, Key, Colon, AfterValue }
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ["true", "false", "null"];

/**
 * Offset of the first JSON syntax error in a text, or undefined when it is valid JSON. A small
 * iterative state machine (no recursion, so deep nesting cannot overflow the stack).
 */
export function jsonErrorOffset(text: string): number | undefined {
  const stack: boolean[] = []; // true: inside an object, false: inside an array
  let state = State.Value;
  let justOpened = false;
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
    if (i >= n) return state === State.AfterValue && stack.length === 0 ? undefined : n;
    const c = text.charAt(i);
    switch (state) {
      case State.Value: {
        if (c === "{" || c === "[") {
          stack.push(c === "{");
          i++;
          state = c === "{" ? State.Key : State.Value;
          justOpened = true;
          continue;
        }
        if (c === "]" && justOpened && stack[stack.length - 1] === false) {
          stack.pop();
          i++;
          state = State.AfterValue;
          continue;
        }
        const end = scalarEnd(text, i);
        if (end === -1) return i;
        i = end;
        state = State.AfterValue;
        justOpened = false;
        continue;
      }
      case State.Key: {
        if (c === "}" && justOpened) {
          stack.pop();
          i++;
          state = State.AfterValue;
          continue;
        }
        if (c !== '"') return i;
        const end = stringEnd(text, i);
        if (end === -1) return i;
        i = end;
        state = State.Colon;
        justOpened = false;
        continue;
      }
      case State.Colon:
        if (c !== ":") return i;
        i++;
        state = State.Value;
        continue;
      case State.AfterValue: {
        if (stack.length === 0) return i; // text after the document
        const inObject = stack[stack.length - 1];
        if (c === ",") {
          i++;
          state = inObject ? State.Key : State.Value;
          justOpened = false;
          continue;
        }
        if ((c === "}" && inObject) || (c === "]" && !inObject)) {
          stack.pop();
          i++;
          continue;
        }
        return i;
      }
    }
  }
}

function scalarEnd(text: string, i: number): number {
  const c = text.charAt(i);
  if (c === '"') return stringEnd(text, i);
  for (const literal of LITERALS) if (text.startsWith(literal, i)) return i + literal.length;
  NUMBER.lastIndex = i;
  return NUMBER.test(text) ? NUMBER.lastIndex : -1;
}

/** Index after the closing quote of the string at `start`, or -1 (unterminated, raw control character). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
    else if (c < 0x20) return -1;
  }
  return -1;
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** A plain JSON object (not an array, not null), for narrowing parsed values. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
