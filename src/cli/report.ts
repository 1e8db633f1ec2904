/**
 * `minerhunt report INCIDENT --lang th|en --format md|html|pdf|ocsf|stix|thehive --output FILE`:
 * read one incident and its findings from the store and write its report or export. Thin: the work
 * is src/report's; this parses options, finds the incident and writes the result.
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, Option } from "commander";
import { resolveLang, t } from "../i18n/index.js";
import { loadPlaybook, loadPlaybookFile } from "../playbook/index.js";
import type { Playbook } from "../playbook/index.js";
import { EXPORT_FORMATS, REPORT_FORMATS, exportIncident, mermaidScriptPath, renderReport } from "../report/index.js";
import type { ExportFormat, IncidentStore, ReportFormat } from "../report/index.js";
import { defaultStoreLocation, openStore } from "../store/index.js";
import { UsageError } from "./errors.js";
import { terminal } from "../present/escape.js";
import { auditWarning } from "./audit.js";

export interface ReportCommandDeps {
  /** Open the incident store at a location (default: src/store's openStore). */
  openStore?: (location: string) => Promise<IncidentStore> | IncidentStore;
  /** A playbook by id (default: playbooks/<id>.yaml). */
  playbook?: (id: string) => Playbook;
  /** Where a report without --output goes (default stdout). */
  write?: (data: string | Buffer) => void;
  /** Progress lines ("Wrote FILE"), kept off stdout (default stderr). */
  info?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Report time, for tests. */
  now?: () => Date;
}

const FORMATS = [...REPORT_FORMATS, ...EXPORT_FORMATS] as const;
type Format = (typeof FORMATS)[number];

interface Options { lang?: string; format: string; output?: string; db?: string; playbook?: string; mermaidBeside?: boolean }

export function registerReportCommand(program: Command, deps: ReportCommandDeps = {}): void {
  const env = deps.env ?? process.env;
  program
    .command("report")
    .description(t(resolveLangQuietly(env), "cli.report.description"))
    .argument("<incident>", "incident id (or a unique prefix of it)")
    .addOption(new Option("--lang <lang>", "report language: th or en (default: from LC_ALL / LC_MESSAGES / LANG)"))
    .addOption(new Option("--format <format>", `one of ${FORMATS.join(", ")}`).default("md"))
    .option("-o, --output <file>", "write to FILE (default: standard output; a PDF needs a file or '-')")
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--playbook <file>", "playbook file to use instead of the incident's own (playbooks/pb-31.yaml)")
    .option("--mermaid-beside", "HTML: refer to mermaid.min.js copied beside the output file instead of inlining it")
    .action(async (incidentId: string, opts: Options) => {
      await runReport(incidentId, opts, deps, env);
    });
}

async function runReport(incidentId: string, opts: Options, deps: ReportCommandDeps, env: NodeJS.ProcessEnv): Promise<void> {
  let lang;
  try {
    lang = resolveLang(opts.lang, env);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (!(FORMATS as readonly string[]).includes(opts.format)) {
    throw new UsageError(t(lang, "cli.report.badFormat", { format: opts.format, formats: FORMATS.join(", ") }));
  }
  const format = opts.format as Format;
  if (format === "pdf" && opts.output === undefined) throw new UsageError(t(lang, "cli.report.pdfNeedsOutput"));

  const location = opts.db ?? defaultStoreLocation(env);
  const store = await (deps.openStore ?? openStore)(location);
  try {
    const warning = await auditWarning(store as object, location, env);
    if (warning) process.stderr.write(`${warning}\n`);
    const incident = await store.getIncident(incidentId);
    if (!incident) throw new UsageError(t(lang, "cli.report.notFound", { id: incidentId, store: location }));
    const findings = await store.listFindings(incident.id);
    const campaign = incident.campaignId && store.getCampaign ? await store.getCampaign(incident.campaignId) : undefined;
    const playbookId = incident.decision?.playbook ?? "PB-31";
    const playbook = opts.playbook ? loadPlaybookFile(opts.playbook) : (deps.playbook ?? ((id: string) => loadPlaybook(id)))(playbookId);
    const now = deps.now?.() ?? new Date();

    const beside = format === "html" && opts.mermaidBeside === true && opts.output !== undefined && opts.output !== "-";
    const data = (EXPORT_FORMATS as readonly string[]).includes(format)
      ? exportIncident(format as ExportFormat, incident, findings, { lang, playbook, now })
      : await renderReport(incident, findings, {
        lang, format: format as ReportFormat, playbook, now, mermaidScript: beside ? "external" : "inline", ...(campaign ? { campaign } : {}),
      });

    if (opts.output === undefined || opts.output === "-") {
      (deps.write ?? ((d) => process.stdout.write(d)))(data);
      return;
    }
    writeFileSync(opts.output, data);
    if (beside) copyFileSync(mermaidScriptPath(), join(dirname(opts.output), "mermaid.min.js"));
    (deps.info ?? ((line) => process.stderr.write(`${terminal(line)}\n`)))(
      t(lang, "cli.report.written", { file: opts.output, bytes: Buffer.byteLength(data) }),
    );
  } finally {
    await store.close?.();
  }
}

/** The help text's language; a bad locale never stops --help. */
function resolveLangQuietly(env: NodeJS.ProcessEnv) {
  try {
    return resolveLang(undefined, env);
  } catch {
    return "en" as const;
  }
}
