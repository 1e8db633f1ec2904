import type { Command } from "commander";
import { allSources } from "../../sources/index.js";
import type { Source } from "../../sources/types.js";

/** One line per dataset: what it is, which Sigma logsources see it, which prefilter checks apply, which formats write it. */
export function datasetLines(sources: readonly Source[]): string[] {
  const rows = new Map<string, { categories: string; sigma: string; checks: string; formats: string[] }>();
  for (const s of sources) {
    for (const d of s.emits) {
      const row = rows.get(d.dataset);
      if (row) { row.formats.push(s.id); continue; }
      rows.set(d.dataset, {
        categories: d.categories.length > 6 ? `${d.categories.slice(0, 6).join(",")},...` : d.categories.join(","),
        sigma: (d.sigma ?? []).join(",") || "-",
        checks: (d.prefilter ?? []).join(",") || "-",
        formats: [s.id],
      });
    }
  }
  const table = [["dataset", "categories", "sigma logsources", "prefilter", "formats"],
    ...[...rows].map(([dataset, r]) => [dataset, r.categories, r.sigma, r.checks, r.formats.join(",")])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
}

export function registerFormatsCommand(program: Command): void {
  program
    .command("formats")
    .description("List the input formats minerhunt reads (ids for --input-format) and the datasets they emit")
    .option("--format <format>", "text or json", "text")
    .option("--datasets", "one line per dataset: categories, the Sigma logsources that see it, prefilter checks, formats")
    .action((opts: { format: string; datasets?: boolean }) => {
      if (opts.format === "json") {
        const list = allSources.map((s) => ({ id: s.id, title: s.title, emits: s.emits }));
        process.stdout.write(JSON.stringify(list, null, 2) + "\n");
      } else if (opts.datasets) {
        for (const line of datasetLines(allSources)) process.stdout.write(`${line}\n`);
      } else {
        const w = Math.max(...allSources.map((s) => s.id.length));
        for (const s of allSources) process.stdout.write(`${s.id.padEnd(w)}  ${s.title}\n`);
      }
    });
}
