/**
 * `minerhunt report INCIDENT... --lang th|en --format md|html|pdf|ocsf|stix|thehive --output FILE|DIR`:
 * read incidents, their findings, notes, history and response records from the store and write each
 * one's report or export. Several incidents go to a folder (one file each), and their PDFs share one
 * Chromium. Thin: the work is src/report's; this parses options, finds the incidents and writes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { resolveLang, t } from "../../i18n/index.js";
import { loadPlaybook, loadPlaybookFile } from "../../playbook/index.js";
import type { Playbook } from "../../playbook/index.js";
import { EXPORT_FORMATS, REPORT_FORMATS, createPdfRenderer, exportIncident, renderReport } from "../../report/index.js";
import type { ExportFormat, IncidentStore, PdfRenderer, ReportFormat, ViewOptions } from "../../report/index.js";
import type { Incident } from "../../model/index.js";
import { defaultStoreLocation, openStore } from "../../store/index.js";
import { UsageError } from "./errors.js";
import { terminal } from "../../present/escape.js";
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
  /** A PDF renderer to use (and leave open); by default one is made for the run and closed after it. */
  pdfRenderer?: PdfRenderer;
}

const FORMATS = [...REPORT_FORMATS, ...EXPORT_FORMATS] as const;
type Format = (typeof FORMATS)[number];

interface Options { lang?: string; format: string; output?: string; db?: string; create?: boolean; playbook?: string }

export function registerReportCommand(program: Command, deps: ReportCommandDeps = {}): void {
  const env = deps.env ?? process.env;
  program
    .command("report")
    .description(t(resolveLangQuietly(env), "cli.report.description"))
    .argument("<incident...>", "incident id (or a unique prefix of it); several: --output names a folder")
    .addOption(new Option("--lang <lang>", "report language: th or en (default: from LC_ALL / LC_MESSAGES / LANG)"))
    .addOption(new Option("--format <format>", `one of ${FORMATS.join(", ")}`).default("md"))
    .option("-o, --output <file>", "write to FILE (default: standard output; a PDF needs a file or '-'); with several incidents, a folder for <id>.<format>")
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--create", "start an empty store when --db names none (without it, a store that does not exist is an error)")
    .option("--playbook <file>", "playbook file to use instead of the incident's own (playbooks/pb-31.yaml)")
    .action(async (incidentIds: string[], opts: Options) => {
      await runReport(incidentIds, opts, deps, env);
    });
}

async function runReport(incidentIds: string[], opts: Options, deps: ReportCommandDeps, env: NodeJS.ProcessEnv): Promise<void> {
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
  const several = incidentIds.length > 1;
  if (several && (opts.output === undefined || opts.output === "-")) throw new UsageError(t(lang, "cli.report.severalNeedDir"));
  if (format === "pdf" && opts.output === undefined) throw new UsageError(t(lang, "cli.report.pdfNeedsOutput"));

  const location = opts.db ?? defaultStoreLocation(env);
  const store = await (deps.openStore ?? ((where: string) => openStore(where, { mustExist: opts.create !== true })))(location);
  // One browser for every PDF of this run: starting Chromium is most of a PDF's cost.
  const pdfRenderer = format === "pdf" ? (deps.pdfRenderer ?? createPdfRenderer({ lang })) : undefined;
  try {
    const warning = await auditWarning(store as object, location, env);
    if (warning) process.stderr.write(`${warning}\n`);
    const incidents: Incident[] = [];
    for (const id of incidentIds) {
      const incident = await store.getIncident(id);
      if (!incident) throw new UsageError(t(lang, "cli.report.notFound", { id, store: location }));
      incidents.push(incident);
    }
    if (several) mkdirSync(opts.output as string, { recursive: true });
    for (const incident of incidents) {
      const data = await reportOf(incident, store, format, lang, opts, deps, pdfRenderer);
      const file = several ? join(opts.output as string, `${incident.id}.${extension(format)}`) : opts.output;
      if (file === undefined || file === "-") {
        (deps.write ?? ((d) => process.stdout.write(d)))(data);
        continue;
      }
      writeFileSync(file, data);
      (deps.info ?? ((line) => process.stderr.write(`${terminal(line)}\n`)))(t(lang, "cli.report.written", { file, bytes: Buffer.byteLength(data) }));
    }
  } finally {
    if (!deps.pdfRenderer) await pdfRenderer?.close();
    await store.close?.();
  }
}

async function reportOf(
  incident: Incident, store: IncidentStore, format: Format, lang: "en" | "th", opts: Options, deps: ReportCommandDeps, pdfRenderer: PdfRenderer | undefined,
): Promise<string | Buffer> {
  const findings = await store.listFindings(incident.id);
  const campaign = incident.campaignId && store.getCampaign ? await store.getCampaign(incident.campaignId) : undefined;
  const playbookId = incident.decision?.playbook ?? "PB-31";
  const playbook = opts.playbook ? loadPlaybookFile(opts.playbook) : (deps.playbook ?? ((id: string) => loadPlaybook(id)))(playbookId);
  const now = deps.now?.() ?? new Date();
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return exportIncident(format as ExportFormat, incident, findings, { lang, playbook, now });
  return renderReport(incident, findings, {
    lang, format: format as ReportFormat, playbook, now, ...(campaign ? { campaign } : {}), ...(await workOf(store, incident.id)),
    ...(pdfRenderer ? { pdfRenderer } : {}),
  });
}

/** What people did on the incident, as far as the store keeps it: notes, history, plans, approvals, step runs. */
async function workOf(store: IncidentStore, incidentId: string): Promise<Pick<ViewOptions, "notes" | "history" | "plans" | "approvals" | "stepRuns">> {
  const out: Pick<ViewOptions, "notes" | "history" | "plans" | "approvals" | "stepRuns"> = {};
  if (store.notes) out.notes = await store.notes(incidentId);
  if (store.timeline) out.history = await store.timeline(incidentId);
  if (store.listPlans) {
    const plans = await store.listPlans(incidentId);
    out.plans = plans;
    if (store.approvals) out.approvals = (await Promise.all(plans.map((p) => store.approvals?.(p.id) ?? []))).flat();
    if (store.stepRuns) out.stepRuns = (await Promise.all(plans.map((p) => store.stepRuns?.(p.id) ?? []))).flat();
  }
  return out;
}

function extension(format: Format): string {
  return format === "md" || format === "html" || format === "pdf" ? format : `${format}.json`;
}

/** The help text's language; a bad locale never stops --help. */
function resolveLangQuietly(env: NodeJS.ProcessEnv) {
  try {
    return resolveLang(undefined, env);
  } catch {
    return "en" as const;
  }
}
