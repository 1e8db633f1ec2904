/**
 * What JSON sources share after the scanner: a reference to one record (which node, which line,
 * how to name it in an issue) and parsing it into an object with an issue when it is not one.
 */
import type { ParseContext } from "../types.js";
import type { JsonNode } from "./json-doc.js";
import { type JsonObject, asObject } from "./values.js";

export interface RecordRef {
  node: JsonNode;
  /** The line the record starts on; for a wrapped record (an EventBridge envelope), the envelope's. */
  line: number;
  /** Name for issues: `Records[2]`, `Findings[0]`, `record`. */
  label: string;
}

export function refOf(node: JsonNode, line = node.line): RecordRef {
  return { node, line, label: node.path === "" ? "record" : node.path };
}

/** The record as an object, or undefined after reporting why not. */
export function parseObject(ref: RecordRef, ctx: ParseContext, what: string): JsonObject | undefined {
  let v: unknown;
  try {
    v = ref.node.value();
  } catch (err) {
    ctx.issue(ref.line, `${ref.label}: ${(err as Error).message}; expected ${what}`);
    return undefined;
  }
  const o = asObject(v);
  if (!o) {
    ctx.issue(ref.line, `${ref.label}: found ${Array.isArray(v) ? "an array" : JSON.stringify(v)?.slice(0, 40) ?? typeof v}; expected ${what}`);
    return undefined;
  }
  return o;
}

/** The string value of a member node, or undefined (not a string, or not JSON). */
export function memberString(node: JsonNode | undefined): string | undefined {
  if (!node) return undefined;
  try {
    const v = node.value();
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}
