/**
 * The one place the web UI turns values into HTML. Every page is built with the `html` tag: each
 * interpolated value is escaped (present/escape.ts) unless it is itself the result of `html`, so
 * attacker-controlled log text (host names, command lines, paths, titles) can only ever be text.
 *
 * Rules for templates: attribute values are always double-quoted; URLs come from `href()` (our own
 * paths with encoded segments, so a "javascript:" host name can never become a link target).
 */
import { escapeHtml } from "../../../present/escape.js";

/** HTML that is already safe: made only by `html`, `href` or `joinHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

export function joinHtml(parts: readonly SafeHtml[], separator = ""): SafeHtml {
  return new SafeHtml(parts.map((p) => p.value).join(escapeHtml(separator)));
}

/** A link into this app: a fixed path prefix and encoded segments ("/incidents/<id>"), optional query. */
export function href(prefix: string, segments: readonly string[] = [], query: Record<string, string | undefined> = {}): string {
  if (!prefix.startsWith("/") || prefix.startsWith("//")) throw new Error(`href: "${prefix}" is not a path of this app`);
  const path = [prefix.replace(/\/$/, ""), ...segments.map(encodeURIComponent)].join("/") || "/";
  const q = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== "");
  return q.length ? `${path}?${new URLSearchParams(q).toString()}` : path;
}

/** Where to go back to after a switch (language): only a path of this app, never another origin. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next.length > 500 ? "/" : next;
}

/** Multi-line text (notes, diagram sources): each line escaped, the line breaks kept (escapeHtml would show them as \u000a). */
export function multiline(text: string): SafeHtml {
  return joinLines(text.split(/\r\n|\r|\n/).map((line) => html`${line}`));
}

function joinLines(lines: readonly SafeHtml[]): SafeHtml {
  return new SafeHtml(lines.map((l) => l.value).join("\n"));
}
