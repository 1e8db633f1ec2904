/**
 * The event XML a BinXML record renders to, as a small tree: elements with attributes and children
 * (text or elements). Only what mapping needs; no namespaces, no escaping (values stay raw text and are
 * escaped wherever they are shown).
 */
import type { RenderedValue } from "./values.js";

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** Text is a string; an array-typed substitution stays a list. */
export type XmlNode = XmlElement | RenderedValue;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node === "object" && !Array.isArray(node);
}

/** First child element with this name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (isElement(c) && c.name === name) return c;
  return undefined;
}

/** Child elements, optionally only those with this name. */
export function childElements(el: XmlElement | undefined, name?: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (isElement(c) && (name === undefined || c.name === name)) out.push(c);
  return out;
}

/**
 * The text of an element: its text children joined. An element holding one array value (an array-typed
 * substitution) gives that list.
 */
export function textOf(el: XmlElement | undefined): RenderedValue {
  if (!el) return "";
  let list: readonly string[] | undefined;
  let text = "";
  for (const c of el.children) {
    if (typeof c === "string") text += c;
    else if (Array.isArray(c)) list = list ? [...list, ...(c as readonly string[])] : (c as readonly string[]);
  }
  if (list && text === "") return list;
  if (list) return text + list.join(",");
  return text;
}

/** Text as one string (lists joined with commas). */
export function stringOf(el: XmlElement | undefined): string {
  const t = textOf(el);
  return typeof t === "string" ? t : t.join(",");
}
