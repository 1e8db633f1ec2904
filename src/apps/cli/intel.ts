import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Command, Option } from "commander";
import { importList, listIntelSources, loadIntel, removeImportedList, userIntelDir, type ImportedFile } from "../../intel/index.js";
import { UsageError } from "./errors.js";
import { formatIntelSources } from "./intel-list.js";
import { terminal } from "../../present/escape.js";

export function registerIntelCommand(program: Command): void {
  const intel = program.command("intel").description("Indicators: miners, pools, Stratum, cloud finding types; import blocklists");

  intel
    .command("import")
    .description("Import a blocklist (hosts file, plain domain/IP list, adblock list, Falco list YAML) for every later scan")
    .argument("<file...>", "list files")
    .option("--name <name>", "name of the list (default: the file name)")
    .option("--confidence <n>", "how much one hit on this list means, 0..1", "0.6")
    .addOption(new Option("--list-format <format>", "force the list format").choices(["hosts", "plain", "adblock", "falco-yaml"]))
    .option("--dir <dir>", "where imported lists are kept (default MINERHUNT_INTEL_DIR or ~/.config/minerhunt/intel)")
    .action((files: string[], opts: { name?: string; confidence: string; listFormat?: "hosts" | "plain" | "adblock" | "falco-yaml"; dir?: string }) => {
      const confidence = Number(opts.confidence);
      if (!(confidence >= 0 && confidence <= 1)) throw new UsageError(`--confidence must be a number from 0 to 1, got "${opts.confidence}"`);
      if (opts.name && files.length > 1) throw new UsageError("--name names one list; import one file at a time with --name");
      const dir = opts.dir ?? userIntelDir();
      // Every file is read and checked before any is written: a bad one refuses the whole import (exit 2).
      const lists = files.map((file) => {
        let text: string;
        try { text = readFileSync(file, "utf8"); } catch (err) { throw new UsageError(`${file}: ${(err as Error).message}`); }
        const name = (opts.name ?? basename(file)).replace(/[^A-Za-z0-9._-]/g, "_");
        const format = opts.listFormat ?? (/\.ya?ml$/i.test(file) ? "falco-yaml" : undefined);
        const list = importList(text, name, file, format);
        if (list.fatal) throw new UsageError(`${file}:${list.fatal.line}: ${list.fatal.message}; nothing imported`);
        if (list.domains.length === 0 && list.ips.length === 0 && list.issues.length > 0) {
          throw new UsageError(`${file}:${list.issues[0]!.line}: no line is a domain, IP, CIDR or IP:port (expected a hosts file, plain list, adblock list or Falco list YAML); nothing imported`);
        }
        return { file, name, list };
      });
      mkdirSync(dir, { recursive: true });
      for (const { file, name, list } of lists) {
        for (const i of list.issues.slice(0, 20)) process.stderr.write(`${terminal(`${file}:${i.line}: ${i.message}`)}\n`);
        if (list.issues.length > 20) process.stderr.write(`${terminal(file)}: … ${list.issues.length - 20} more lines not understood\n`);
        const saved: ImportedFile = { name, source: file, importedAt: new Date().toISOString(), confidence, domains: list.domains, ips: list.ips };
        // Write to a temporary name first: a crash never leaves a half-written list that breaks later scans.
        const target = join(dir, `${name}.json`);
        writeFileSync(`${target}.tmp`, JSON.stringify(saved));
        renameSync(`${target}.tmp`, target);
        process.stdout.write(`${terminal(`${file}: ${list.format} list "${name}": ${list.domains.length} domains, ${list.ips.length} IPs` +
          `${list.skipped ? `, ${list.skipped} entries skipped` : ""}${list.issues.length ? `, ${list.issues.length} lines not understood` : ""} → ${target}`)}\n`);
      }
    });

  intel
    .command("list")
    .description("Show what intel is loaded: the built-in data files and the imported lists, with counts, where from and when imported")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--dir <dir>", "where imported lists are kept (default MINERHUNT_INTEL_DIR or ~/.config/minerhunt/intel)")
    .action((opts: { format: "text" | "json"; dir?: string }) => {
      const sources = listIntelSources({ importDirs: [opts.dir ?? userIntelDir()] });
      process.stdout.write(opts.format === "json" ? `${JSON.stringify(sources, null, 2)}\n` : formatIntelSources(sources));
    });

  intel
    .command("remove")
    .description("Drop an imported list (built-in data cannot be removed)")
    .argument("<name>", "the list's name, as `intel list` shows it")
    .option("--dir <dir>", "where imported lists are kept (default MINERHUNT_INTEL_DIR or ~/.config/minerhunt/intel)")
    .action((name: string, opts: { dir?: string }) => {
      let removed;
      try {
        removed = removeImportedList(name, opts.dir ?? userIntelDir());
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      process.stdout.write(`removed imported list "${removed.name}" (${removed.file})\n`);
    });

  intel
    .command("stats")
    .description("Show how many indicators are loaded")
    .action(() => {
      const stats = loadIntel().stats();
      for (const [k, v] of Object.entries(stats)) process.stdout.write(`${terminal(`${k.padEnd(20)} ${v}`)}\n`);
    });

  intel
    .command("lookup")
    .description("Look up a domain, IP or process name in the indicators")
    .argument("<value...>")
    .action((values: string[]) => {
      const intel = loadIntel();
      for (const v of values) {
        const d = intel.matchDomain(v);
        const ip = intel.matchIp(v);
        const m = intel.minerByProcessName(v);
        const parts: string[] = [];
        if (d) parts.push(`pool domain (${d.list}${d.label ? `: ${d.label}` : ""}; listed as ${d.listed})`);
        if (intel.isAllowlisted(v)) parts.push("allowlisted look-alike");
        if (ip) parts.push(`mining IP (${ip.list}; ${ip.listed}${ip.ports ? ` ports ${ip.ports.join(",")}` : ""})`);
        if (m) parts.push(`miner process (${m.name}, ${m.kind})`);
        if (intel.isMasqueradeName(v)) parts.push("kernel-thread name miners hide behind");
        for (const c of intel.campaignsOf(v)) parts.push(`campaign ${c.name} (${c.references[0]}${c.references.length > 1 ? ` and ${c.references.length - 1} more` : ""})`);
        process.stdout.write(`${terminal(`${v}: ${parts.length ? parts.join("; ") : "not known"}`)}\n`);
      }
    });
}
