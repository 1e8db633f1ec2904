/**
 * Cheap tests on the head of an input for JSON sniffers. Sniffers look for the keys that only
 * their format has, so a JSON file of another shape scores 0 with all of them.
 */
import type { Sample } from "../types.js";

/** The sample text when it starts like JSON (object or array), else undefined. */
export function jsonHead(sample: Sample): string | undefined {
  let t = sample.text;
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  const s = t.trimStart();
  return s.startsWith("{") || s.startsWith("[") ? s : undefined;
}

/**
 * A search for any of the needles (literal text) as a RegExp. Every file of a folder scan is sniffed by every
 * source, so most searches are of keys that are not there, through the whole sample (up to 64 KiB). V8 runs
 * a RegExp with a Boyer-Moore-style skip that String.prototype.includes() does not get for a needle starting
 * with a quote, as every `"key"` does: in JSON, where a quote comes every few characters, includes() of an
 * absent key costs 3 to 8 times as much. The group keeps V8 from running a one-needle RegExp as includes().
 */
function literalSearch(needles: readonly string[]): RegExp {
  return new RegExp(`(?:${needles.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})`);
}

/** The search of each needle hasAll and hasAny are given: the needles are the sniffers' constants, so few. */
const searches = new Map<string, RegExp>();

/** text.includes(needle), as sniffers search: see literalSearch. */
export function has(text: string, needle: string): boolean {
  let search = searches.get(needle);
  if (!search) {
    search = literalSearch([needle]);
    searches.set(needle, search);
  }
  return search.test(text);
}

/**
 * A test for whether a text holds any of the needles, in one search: a sniffer's first test, one that every
 * verdict it gives needs to pass, turns the other formats' files away after one search of their sample
 * instead of one per key. Build it once, beside the sniffer.
 */
export function anyOf(...needles: string[]): (text: string) => boolean {
  const search = literalSearch(needles);
  return (text) => search.test(text);
}

/** Every needle occurs in the text. Put the rarest first: the test stops at the first one missing. */
export function hasAll(text: string, ...needles: string[]): boolean {
  return needles.every((n) => has(text, n));
}

export function hasAny(text: string, ...needles: string[]): boolean {
  return needles.some((n) => has(text, n));
}

/** A JSON key as it appears in text (`"eventName"`), to test for keys rather than words in values. */
export function key(name: string): string {
  return `"${name}"`;
}

/** `"name"` followed (after optional spaces) by a colon and the given string value. */
export function hasKeyValue(text: string, name: string, value: string): boolean {
  const k = key(name);
  let i = text.indexOf(k);
  while (i !== -1) {
    let j = i + k.length;
    while (text[j] === " " || text[j] === "\t" || text[j] === "\n" || text[j] === "\r") j++;
    if (text[j] === ":") {
      j++;
      while (text[j] === " " || text[j] === "\t" || text[j] === "\n" || text[j] === "\r") j++;
      if (text.startsWith(`"${value}"`, j)) return true;
    }
    i = text.indexOf(k, i + 1);
  }
  return false;
}
