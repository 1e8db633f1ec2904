/**
 * `minerhunt block [INCIDENT] --format nft|iptables|hosts|rpz|dnsmasq|unbound|route53-firewall|suricata|nacl|
 * support-case|all [--out DIR] [--from-intel] [--db ...]`: write an incident's pool blocklist (or the whole
 * intel pool list) in the formats teams deploy, and the billing-credit support case draft. Thin: the work is
 * respond/emitters'. Nothing is applied: files are written (or one file printed) for a person to deploy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { resolveLang, t, type Lang } from "../../i18n/index.js";
import { loadIntel } from "../../intel/index.js";
import type { Finding, Incident } from "../../model/index.js";
import { terminal } from "../../present/escape.js";
import {
  BLOCK_FORMATS, blocklistFromIncident, blocklistFromIntel, emitBlocklist, emitSupportCase, isBlockFormat,
  type BlockFormat, type Blocklist, type EmittedFile, type Rejected,
} from "../../respond/emitters/index.js";
import { defaultStoreLocation, openStore } from "../../store/index.js";
import { auditWarning } from "./audit.js";
import { UsageError } from "./errors.js";

/** The store calls this command needs. */
export interface BlockStore {
  getIncident(id: string): Promise<Incident | undefined> | Incident | undefined;
  listFindings(id: string): Promise<Finding[]> | Finding[];
  close?(): Promise<void> | void;
}

export interface BlockCommandDeps {
  openStore?: (location: string) => Promise<BlockStore> | BlockStore;
  /** Where a single file without --out goes (default stdout). */
  write?: (text: string) => void;
  /** Progress and dropped values (default stderr, escaped). */
  info?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const SUPPORT_CASE = "support-case";
const CHOICES = [...BLOCK_FORMATS, SUPPORT_CASE, "all"];

interface Options { format?: string[]; out?: string; db?: string; fromIntel?: boolean; lang?: string }

export function registerBlockCommand(program: Command, deps: BlockCommandDeps = {}): void {
  const env = deps.env ?? process.env;
  program
    .command("block")
    .description(t(langQuietly(env), "cli.block.description"))
    .argument("[incident]", "incident id (or a unique prefix of it); optional with --from-intel")
    // Not variadic: "--format nft INCIDENT" must not read the incident as a format.
    .addOption(new Option("--format <list>", `one or more of ${CHOICES.join(", ")}, comma-separated or repeated (default: all)`)
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]))
    .option("-o, --out <dir>", "write the files into DIR (default: print the one file to standard output)")
    .option("--from-intel", "block the whole curated pool list (and PB-31's pool ports), with or without an incident")
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--lang <lang>", "support case language: th or en (default: both files with --out; else from the locale)")
    .action(async (incidentId: string | undefined, opts: Options) => {
      await runBlock(incidentId, opts, deps, env);
    });
}

function parseFormats(lang: Lang, values: readonly string[]): { formats: BlockFormat[]; supportCase: boolean } {
  const words = values.flatMap((v) => v.split(",")).map((w) => w.trim()).filter(Boolean);
  const formats = new Set<BlockFormat>();
  let supportCase = false;
  for (const w of words) {
    if (w === "all") BLOCK_FORMATS.forEach((f) => formats.add(f));
    else if (w === SUPPORT_CASE) supportCase = true;
    else if (isBlockFormat(w)) formats.add(w);
    else throw new UsageError(t(lang, "cli.block.badFormat", { format: w, formats: CHOICES.join(", ") }));
  }
  return { formats: [...formats], supportCase };
}

async function runBlock(incidentId: string | undefined, opts: Options, deps: BlockCommandDeps, env: NodeJS.ProcessEnv): Promise<void> {
  let lang: Lang;
  try {
    lang = resolveLang(opts.lang, env);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const info = deps.info ?? ((line: string) => process.stderr.write(`${terminal(line)}\n`));
  const { formats, supportCase } = parseFormats(lang, opts.format ?? ["all"]);
  if (!incidentId && !opts.fromIntel) throw new UsageError(t(lang, "cli.block.needIncident"));
  if (!incidentId && supportCase) throw new UsageError(t(lang, "cli.block.caseNeedsIncident"));

  const intel = loadIntel();
  const lists: Blocklist[] = [];
  const dropped: Rejected[] = [];
  const files: EmittedFile[] = [];
  if (incidentId) {
    const location = opts.db ?? defaultStoreLocation(env);
    const store = await (deps.openStore ?? openStore)(location);
    try {
      const warning = await auditWarning(store as object, location, env);
      if (warning) info(warning);
      const incident = await store.getIncident(incidentId);
      if (!incident) throw new UsageError(t(lang, "cli.block.notFound", { id: incidentId, store: location }));
      const findings = await store.listFindings(incident.id);
      const built = blocklistFromIncident(incident, findings, { intel });
      lists.push(built.list);
      dropped.push(...built.dropped);
      if (supportCase) {
        const langs: Lang[] = opts.lang || !opts.out ? [lang] : ["en", "th"];
        for (const l of langs) files.push({ name: `support-case.${l}.md`, content: emitSupportCase({ incident, findings, lang: l }), deploy: "review, then paste into the provider's billing support case" });
      }
    } finally {
      await store.close?.();
    }
  }
  if (opts.fromIntel) lists.push(blocklistFromIntel(intel));
  const list: Blocklist = {
    domains: lists.flatMap((l) => l.domains), ips: lists.flatMap((l) => l.ips), ports: lists.flatMap((l) => l.ports),
    refs: lists[0]?.refs ?? { source: "intel", findingIds: [] },
  };
  const emitted = emitBlocklist(list, formats);
  files.unshift(...emitted.files);
  dropped.push(...emitted.dropped);

  for (const d of dropped) info(t(lang, "cli.block.dropped", { kind: d.kind, value: JSON.stringify(d.value), reason: d.reason }));
  if (!opts.out) {
    if (files.length !== 1) throw new UsageError(t(lang, "cli.block.needOut", { count: files.length }));
    (deps.write ?? ((s) => process.stdout.write(s)))(files[0]!.content);
    return;
  }
  mkdirSync(opts.out, { recursive: true });
  for (const f of files) {
    writeFileSync(join(opts.out, f.name), f.content);
    info(t(lang, "cli.block.written", { file: join(opts.out, f.name), deploy: f.deploy }));
  }
}

function langQuietly(env: NodeJS.ProcessEnv): Lang {
  try {
    return resolveLang(undefined, env);
  } catch {
    return "en";
  }
}
