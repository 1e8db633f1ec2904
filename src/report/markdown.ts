/**
 * The report as Markdown (GitHub-flavoured: tables, a mermaid code block for the decision path).
 * Every string is escaped; log-derived text cannot become markup, links or extra table cells.
 */
import { escapeMarkdown, markdownCode } from "./escape.js";
import type { Block, ReportView } from "./view.js";

export function renderMarkdown(view: ReportView): string {
  const out: string[] = [`# ${escapeMarkdown(view.title)}`, "", `_${escapeMarkdown(view.subtitle)}_`, ""];
  for (const section of view.sections) {
    out.push(`## ${escapeMarkdown(section.title)}`, "");
    for (const block of section.blocks) out.push(...renderBlock(block), "");
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

function renderBlock(b: Block): string[] {
  switch (b.kind) {
    case "paragraph": {
      const text = escapeMarkdown(b.text);
      return [b.tone === "warning" ? `> **${text}**` : b.tone === "muted" ? `_${text}_` : text];
    }
    case "list":
      return b.items.map((i) => `- ${escapeMarkdown(i)}`);
    case "keyValue":
      return table(["", ""], b.rows.map(([k, v]) => [`**${escapeMarkdown(k)}**`, escapeMarkdown(v)]), true);
    case "table": {
      const code = new Set(b.code ?? []);
      const rows = b.rows.map((r) => r.map((cell, i) => (code.has(i) && cell !== "" ? markdownCode(cell) : escapeMarkdown(cell))));
      return [...(b.caption ? [`**${escapeMarkdown(b.caption)}**`, ""] : []), ...table(b.headers.map(escapeMarkdown), rows)];
    }
    case "diagram":
      // The mermaid text is generated from the playbook (never from logs) and cannot contain a fence.
      return ["```mermaid", b.mermaid.replace(/`/g, "'"), "```", "", `_${escapeMarkdown(b.caption)}_`];
    case "code":
      return [`**${escapeMarkdown(b.caption)}**`, "", fence(b.text)];
  }
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
function fence(text: string): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === "`" ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const f = "`".repeat(Math.max(3, longest + 1));
  return `${f}bash\n${text}\n${f}`;
}

function table(headers: string[], rows: string[][], headerless = false): string[] {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const head = headerless ? headers.map(() => " ") : headers;
  return [line(head), line(headers.map(() => "---")), ...rows.map(line)];
}
