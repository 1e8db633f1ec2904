/**
 * `minerhunt intel list` as text: one line per file, built-in data then imported lists. Imported list
 * names and sources are the user's own text but still printed through JSON-style quoting where they
 * could hold control characters.
 */
import type { IntelSourceInfo } from "../../intel/index.js";

/** Control characters shown escaped so a crafted list name cannot move the terminal's cursor. */
function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? JSON.stringify(text) : text;
}

function counts(c: Record<string, number>): string {
  const parts = Object.entries(c).map(([k, v]) => `${v} ${k}`);
  return parts.length ? parts.join(", ") : "-";
}

export function formatIntelSources(sources: readonly IntelSourceInfo[]): string {
  const lines: string[] = [];
  const builtIn = sources.filter((s) => s.kind === "built-in");
  const imported = sources.filter((s) => s.kind === "imported");
  lines.push(`Built-in (${builtIn.length} file(s)):`);
  for (const s of builtIn) {
    lines.push(`  ${s.name.padEnd(16)} ${s.error ? `ERROR ${safe(s.error)}` : counts(s.counts)}`);
  }
  lines.push(`Imported (${imported.length} list(s)):`);
  if (imported.length === 0) lines.push("  none (minerhunt intel import LIST)");
  for (const s of imported) {
    if (s.error) { lines.push(`  ${safe(s.name).padEnd(16)} ERROR ${safe(s.error)} (${safe(s.file)}); remove it with: minerhunt intel remove ${safe(s.name)}`); continue; }
    lines.push(`  ${safe(s.name).padEnd(16)} ${counts(s.counts)}; confidence ${s.confidence ?? "?"}; from ${safe(s.source ?? "?")}; imported ${s.importedAt ?? "?"}`);
  }
  return `${lines.join("\n")}\n`;
}
