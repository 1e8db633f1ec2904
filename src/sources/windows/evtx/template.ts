/**
 * BinXML templates: an event's XML skeleton is stored once per chunk (a template definition) and each
 * record fills its numbered substitution slots with typed values (a template instance). A definition is
 * parsed once into a TemplateElement tree and kept in a per-chunk cache keyed by its offset, so the
 * thousands of records sharing one Sysmon template cost one parse, then a cheap fill each.
 */
import type { XmlElement, XmlNode } from "./xml-tree.js";
import { renderValue, ValueType, type RenderedValue } from "./values.js";

/** A substitution slot: which value of the instance, and whether a NULL value drops the attribute. */
export interface Slot {
  slot: number;
  optional: boolean;
}

export type TemplatePart = string | readonly string[] | Slot;

export interface TemplateAttribute {
  name: string;
  parts: TemplatePart[];
}

export interface TemplateElement {
  name: string;
  attrs: TemplateAttribute[];
  children: (TemplateElement | TemplatePart)[];
}

/** Where one substitution value lies in the chunk, and its type. */
export interface SlotValue {
  type: number;
  offset: number;
  size: number;
}

export function isSlot(part: unknown): part is Slot {
  return typeof part === "object" && part !== null && "slot" in part;
}

function isTemplateElement(part: TemplateElement | TemplatePart): part is TemplateElement {
  return typeof part === "object" && !Array.isArray(part) && !isSlot(part);
}

/** Parses embedded Binary XML (value type 0x21) found in a slot into elements. */
export type NestedParser = (offset: number, size: number) => XmlElement[];

/**
 * Fill a template (or a plain element tree, which has no slots) with an instance's values. A slot whose
 * index is past the instance's values renders as empty text, as Windows does.
 */
export function instantiate(el: TemplateElement, chunk: Buffer, values: readonly SlotValue[], nested: NestedParser): XmlElement {
  const attrs: Record<string, string> = {};
  for (const a of el.attrs) {
    if (a.parts.length === 1 && isSlot(a.parts[0]) && a.parts[0].optional) {
      const v = values[a.parts[0].slot];
      if (!v || v.type === ValueType.Null) continue;
    }
    let text = "";
    for (const p of a.parts) {
      const r: RenderedValue = isSlot(p) ? textOfSlot(fillSlot(p, chunk, values, nested)) : p;
      text += typeof r === "string" ? r : r.join(",");
    }
    attrs[a.name] = text;
  }
  const children: XmlNode[] = [];
  for (const c of el.children) {
    if (isTemplateElement(c)) { children.push(instantiate(c, chunk, values, nested)); continue; }
    if (!isSlot(c)) { children.push(c); continue; }
    const r = fillSlot(c, chunk, values, nested);
    if (r.kind === "elements") children.push(...r.elements);
    else if (r.value !== "") children.push(r.value);
  }
  return { name: el.name, attrs, children };
}

type Filled = { kind: "value"; value: RenderedValue } | { kind: "elements"; elements: XmlElement[] };

function fillSlot(slot: Slot, chunk: Buffer, values: readonly SlotValue[], nested: NestedParser): Filled {
  const v = values[slot.slot];
  if (!v) return { kind: "value", value: "" };
  if (v.type === ValueType.BinXml) return v.size > 0 ? { kind: "elements", elements: nested(v.offset, v.size) } : { kind: "value", value: "" };
  return { kind: "value", value: renderValue(chunk, v.offset, v.size, v.type) };
}

/** Embedded XML in an attribute has no text form here; it renders empty. */
function textOfSlot(f: Filled): RenderedValue {
  return f.kind === "value" ? f.value : "";
}

/** Definitions seen in one chunk, by offset. A chunk is 64 KiB, so the map stays small. */
export class TemplateCache {
  private readonly byOffset = new Map<number, TemplateElement>();
  get(offset: number): TemplateElement | undefined {
    return this.byOffset.get(offset);
  }
  set(offset: number, t: TemplateElement): void {
    this.byOffset.set(offset, t);
  }
  clear(): void {
    this.byOffset.clear();
  }
  get size(): number {
    return this.byOffset.size;
  }
}
