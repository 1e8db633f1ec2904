import type { Command } from "commander";
import { allSources } from "../sources/index.js";

export function registerFormatsCommand(program: Command): void {
  program
    .command("formats")
    .description("List the input formats minerhunt reads (ids for --input-format)")
    .option("--format <format>", "text or json", "text")
    .action((opts: { format: string }) => {
      const list = allSources.map((s) => ({ id: s.id, title: s.title }));
      if (opts.format === "json") process.stdout.write(JSON.stringify(list, null, 2) + "\n");
      else {
        const w = Math.max(...list.map((l) => l.id.length));
        for (const l of list) process.stdout.write(`${l.id.padEnd(w)}  ${l.title}\n`);
      }
    });
}
