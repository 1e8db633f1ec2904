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

/** Every needle occurs in the text. */
export function hasAll(text: string, ...needles: string[]): boolean {
  return needles.every((n) => text.includes(n));
}

export function hasAny(text: string, ...needles: string[]): boolean {
  return needles.some((n) => text.includes(n));
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
