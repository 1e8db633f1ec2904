/**
 * flattenEcs: nested ECS JSON (`{"process":{"parent":{"pid":1}}}`) to the flat dotted keys every
 * detector reads (`process.parent.pid`). Reusable by any source that reads ECS-shaped JSON.
 *
 * - Keys already dotted (`{"process.name": ..}`, as some Beats ship) join the same way.
 * - Arrays stay arrays: strings → string[], numbers → number[], mixed scalars → string[]; objects or
 *   arrays inside an array become JSON text elements (an Event value cannot nest). nulls are dropped.
 * - Limits bound the work a hostile record can cause: nesting depth, number of fields, array length,
 *   string length. What goes over is dropped or cut, and `onTruncate` is told once per record.
 * - A `__proto__` key is never assigned (it would change the result's prototype).
 * Written as plain loops over a small state object: it runs once per line of million-line exports.
 */
import type { FieldValue } from "../../model/index.js";

export interface FlattenLimits {
  /** Objects nested deeper than this are dropped. */
  maxDepth: number;
  /** Fields after this many are dropped. */
  maxFields: number;
  /** Array elements after this many are dropped. */
  maxArrayItems: number;
  /** Strings (and JSON text of nested array elements) are cut to this many characters. */
  maxStringLength: number;
}

export const DEFAULT_FLATTEN_LIMITS: FlattenLimits = {
  maxDepth: 12,
  maxFields: 1000,
  maxArrayItems: 1000,
  maxStringLength: 64 * 1024,
};

export interface FlattenOptions {
  limits?: FlattenLimits;
  /** Called once, with what was cut, when a limit was reached. */
  onTruncate?: (what: string) => void;
  /** Top-level keys to leave out whole (with everything under them). */
  skipTopLevel?: (key: string) => boolean;
}

interface State {
  out: Record<string, FieldValue>;
  limits: FlattenLimits;
  count: number;
  truncated: string | undefined;
}

export function flattenEcs(value: Record<string, unknown>, options: FlattenOptions = {}): Record<string, FieldValue> {
  const state: State = { out: {}, limits: options.limits ?? DEFAULT_FLATTEN_LIMITS, count: 0, truncated: undefined };
  const skip = options.skipTopLevel;
  for (const key of Object.keys(value)) {
    if (skip !== undefined && skip(key)) continue;
    visit(state, key, value[key], 1);
  }
  if (state.truncated !== undefined) options.onTruncate?.(state.truncated);
  return state.out;
}

function visit(state: State, key: string, v: unknown, depth: number): void {
  if (v === null || v === undefined) return;
  switch (typeof v) {
    case "string":
      put(state, key, cutString(state, v));
      return;
    case "number":
    case "boolean":
      put(state, key, v);
      return;
    case "object":
      if (Array.isArray(v)) {
        put(state, key, flattenArray(state, v));
      } else if (depth >= state.limits.maxDepth) {
        state.truncated ??= `objects nested deeper than ${state.limits.maxDepth} levels`;
      } else {
        const node = v as Record<string, unknown>;
        for (const k of Object.keys(node)) {
          if (state.count >= state.limits.maxFields) {
            state.truncated ??= `more than ${state.limits.maxFields} fields`;
            return;
          }
          visit(state, `${key}.${k}`, node[k], depth + 1);
        }
      }
      return;
    default:
      return;
  }
}

function put(state: State, key: string, v: FieldValue): void {
  if (key === "__proto__") return;
  if (state.count >= state.limits.maxFields) {
    state.truncated ??= `more than ${state.limits.maxFields} fields`;
    return;
  }
  state.count++;
  state.out[key] = v;
}

function cutString(state: State, s: string): string {
  if (s.length <= state.limits.maxStringLength) return s;
  state.truncated ??= `a string longer than ${state.limits.maxStringLength} characters`;
  return s.slice(0, state.limits.maxStringLength);
}

function flattenArray(state: State, items: unknown[]): readonly string[] | readonly number[] {
  const max = state.limits.maxArrayItems;
  if (items.length > max) state.truncated ??= `an array longer than ${max} items`;
  const end = Math.min(items.length, max);
  let allNumbers = true;
  for (let i = 0; i < end; i++) {
    if (typeof items[i] !== "number" && items[i] != null) {
      allNumbers = false;
      break;
    }
  }
  if (allNumbers) {
    const numbers: number[] = [];
    for (let i = 0; i < end; i++) if (typeof items[i] === "number") numbers.push(items[i] as number);
    return numbers;
  }
  const strings: string[] = [];
  for (let i = 0; i < end; i++) {
    const x = items[i];
    if (x === null || x === undefined) continue;
    if (typeof x === "string") strings.push(cutString(state, x));
    else if (typeof x === "number" || typeof x === "boolean") strings.push(String(x));
    else strings.push(cutString(state, jsonText(state, x)));
  }
  return strings;
}

function jsonText(state: State, x: unknown): string {
  try {
    return JSON.stringify(x) ?? "";
  } catch {
    state.truncated ??= "an array element too deep to write as JSON";
    return "";
  }
}
