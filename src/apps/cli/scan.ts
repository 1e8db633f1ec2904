import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import { Command, Option } from "commander";
import type { ScanProgress } from "../../pipeline/scan.js";
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, UsageError } from "./errors.js";
import { VERSION } from "../../startup/version.js";
import { resolveLang } from "../../i18n/index.js";
import { METRIC_HINTS, type MetricHint } from "../../sources/types.js";
import { terminal } from "../../present/escape.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerScanCommand(program: Command): void {
  program
    .command("scan")
    .description("Scan log files, folders or stdin (-) for cryptomining; group findings into PB-31 incidents")
    .argument("<path...>", "files or folders (walked recursively; .gz read transparently); - for stdin")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "ndjson", "ocsf"]).default("text"))
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option("--input-format <id>", "force one input format for every file (see `minerhunt formats`)")
    .addOption(new Option("--metric <what>", "what metric series without a name measure (a Prometheus `avg by (instance)(...)` result): cpu or gpu in percent, cpu-ratio or gpu-ratio as 0-1")
      .choices([...METRIC_HINTS]))
    .option("-c, --config <file>", "YAML/JSON config: thresholds, host types, allowlists (see docs/config.md)")
    .option("--rules <dir>", "also apply the Sigma rules in DIR (repeatable; a SigmaHQ checkout works)", collect, [])
    .option("--no-default-rules", "do not load the built-in PB-31 Sigma rule pack")
    .option("--intel <file>", "use this blocklist too, for this run (hosts, plain, adblock, Falco list; repeatable)", collect, [])
    .option("--db [path]", "save findings and incidents to the incident store (SQLite file or postgres:// URL; default MINERHUNT_DB or ~/.local/share/minerhunt/minerhunt.db)")
    .addOption(new Option("--fail-on <when>", "exit 1 when: any incident is found (default), or only new ones the --db store did not know").choices(["any", "new"]).default("any"))
    .option("--no-prefilter", "build every event, even those that cannot match (slower; for debugging)")
    .option("--lang <lang>", "language of the text report: th or en (default: from LC_ALL / LC_MESSAGES / LANG)")
    .option("-q, --quiet", "no progress bar")
    .option("-v, --verbose", "list every weak finding and more input problems")
    .addHelpText("after", `
Exit status: 0 no incident found, 1 at least one incident found, 2 error (nothing could be read).
Examples:
  minerhunt scan examples/
  minerhunt scan --format json -o out.json /var/log/zeek/
  zcat dns.log.gz | minerhunt scan --input-format zeek.dns -
  minerhunt scan --metric cpu-ratio avg-cpu-by-instance.json`)
    .action(async (paths: string[], opts: {
      format: string; output?: string; inputFormat?: string; metric?: MetricHint; config?: string; rules: string[]; defaultRules: boolean;
      intel: string[]; db?: string | boolean; prefilter: boolean; quiet?: boolean; verbose?: boolean; lang?: string; failOn: "any" | "new";
    }) => {
      if (opts.failOn === "new" && (opts.db === undefined || opts.db === false)) {
        throw new UsageError("--fail-on new compares with the incident store: give --db too");
      }
      const lang = resolveLang(opts.lang);
      const showProgress = !opts.quiet && process.stderr.isTTY === true;
      // Loaded here, each only when this run needs it: start-up cost is paid per module. cli-progress with
      // require, not import(): see startup/code-cache.ts.
      const cliProgress = showProgress ? createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress") : undefined;
      const { runScan } = await import("../../pipeline/run.js");
      const bar = cliProgress ? new cliProgress.SingleBar({
        format: "scanning {bar} {percentage}% | {value}/{total} MB | {events} events | {file}",
        clearOnComplete: true, hideCursor: true, stream: process.stderr,
      }, cliProgress.Presets.shades_classic) : undefined;
      let started = false;
      const onProgress = bar ? (p: ScanProgress) => {
        const total = Math.max(1, Math.round(p.bytesTotal / 1e6));
        if (!started) { bar.start(total, 0, { events: 0, file: "" }); started = true; }
        bar.update(Math.round(p.bytesDone / 1e6), { events: p.events, file: terminal(p.file.slice(-40)) });
      } : undefined;
      const run = await runScan({
        paths, defaultRules: opts.defaultRules, ruleDirs: opts.rules, intelFiles: opts.intel, prefilter: opts.prefilter,
        ...(opts.inputFormat ? { inputFormat: opts.inputFormat } : {}),
        ...(opts.metric ? { metric: opts.metric } : {}),
        ...(opts.config ? { configPath: opts.config } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      if (bar && started) bar.stop();
      const { result, incidents, findings, campaigns } = run;
      for (const m of run.rules.messages) process.stderr.write(`minerhunt: rule refused: ${terminal(m)}\n`);

      const out = opts.output ? createWriteStream(opts.output) : process.stdout;
      // Pieces wait for a full stream to drain: `| jq` on an outbreak's 50 MB report held it all in memory.
      const { drainingWriter, writeJsonDocument } = await import("../../pipeline/output/json.js");
      const write = drainingWriter(out);
      switch (opts.format) {
        case "json": {
          await writeJsonDocument(write, {
            tool: { name: "minerhunt", version: VERSION },
            summary: {
              files: result.files.length, events: result.events, skipped: result.skipped, findings: findings.length,
              incidents: incidents.length, campaigns: campaigns.length, ignoredSamples: findings.filter((f) => f.sample === true).length,
              issues: result.issuesTotal, durationMs: Math.round(result.durationMs),
              rules: { loaded: run.rules.loaded, refused: run.rules.refused },
            },
          }, { incidents, campaigns, findings, issues: result.issues, files: result.files });
          break;
        }
        case "ndjson":
          for (const c of campaigns) await write(JSON.stringify({ type: "campaign", ...c }) + "\n");
          for (const i of incidents) await write(JSON.stringify({ type: "incident", ...i }) + "\n");
          for (const f of findings) await write(JSON.stringify({ type: "finding", ...f }) + "\n");
          for (const i of result.issues) await write(JSON.stringify({ type: "issue", ...i }) + "\n");
          break;
        case "ocsf": {
          const { toOcsfDetectionFinding } = await import("../../pipeline/output/ocsf.js");
          for (const f of findings) await write(JSON.stringify(toOcsfDetectionFinding(f, VERSION)) + "\n");
          break;
        }
        default: {
          const { formatText } = await import("../../pipeline/output/text.js");
          await write(formatText(result, incidents, {
            campaigns,
            color: !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR,
            verbose: opts.verbose === true,
            lang,
          }));
        }
      }
      if (opts.output) await new Promise<void>((resolve, reject) => { out.once("error", reject); (out as NodeJS.WritableStream).end(() => resolve()); });

      // A partial read is said on stderr too, so automation that keeps only stdout's report still sees it.
      const unread = result.files.filter((f) => f.error !== undefined).length;
      if (result.readSomething && unread > 0) {
        process.stderr.write(`minerhunt: ${unread} of ${result.files.length} input(s) could not be read (listed under the input problems)\n`);
      }
      let found = incidents.length > 0;
      if (opts.db !== undefined && opts.db !== false) {
        const { saveToStore } = await import("./store-link.js");
        const saved = await saveToStore(typeof opts.db === "string" ? opts.db : undefined, run);
        process.stderr.write(`${terminal(saved.line)}\n`);
        if (opts.failOn === "new") found = saved.opened > 0;
      }
      process.exitCode = !result.readSomething ? EXIT_ERROR : found ? EXIT_FOUND : EXIT_CLEAN;
    });
}
