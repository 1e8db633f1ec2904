/**
 * `minerhunt incident list|show|check|note|assign|status|close`: read and work the stored incidents.
 * Thin: it parses what the person asked, calls the store, and prints text (th or en) or JSON.
 *
 * Everything shown comes from logs, i.e. from the attacker: control characters and bidi overrides are
 * printed escaped, so a log line cannot move the cursor, recolour or reorder the terminal.
 */
import { userInfo } from "node:os";
import { Argument, Command, Option } from "commander";
import { formatTime, formatUsd, pick, resolveLang, t, translate } from "../../i18n/index.js";
import type { Lang, MessageKey, Params } from "../../i18n/index.js";
import type { Campaign, ChecklistItemState, Evidence, Finding, Incident } from "../../model/index.js";
import { INCIDENT_STATUSES, SEVERITIES } from "../../model/index.js";
import { loadPlaybook } from "../../playbook/index.js";
import type { Playbook } from "../../playbook/index.js";
import { defaultStoreLocation, openStore } from "../../store/index.js";
import type { IncidentStatus, Note, Store, TimelineEntry } from "../../store/index.js";
import { terminal } from "../../present/escape.js";
import { auditWarning } from "./audit.js";

export interface IncidentCommandDeps {
  /** Default: the store's openStore, refusing a store that does not exist unless `create`. */
  openStore?: (location: string, create?: boolean) => Promise<Store>;
  /** A playbook by id ("PB-31"), or undefined when it cannot be read (item ids are shown instead). */
  playbook?: (id: string) => Playbook | undefined;
  /** Where output goes; default stdout. */
  write?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

// ---- messages of this command (kept here until they move into src/i18n's catalogues) -----------

const EN = {
  "incident.description": "Work the stored incidents: list, show, tick checklist items, add notes, assign, close",
  "incident.none": "No incidents match.",
  "incident.header": "Incident {id}: {title}",
  "incident.sample": "Every finding is a provider sample (test data), not a real event.",
  "incident.scope": "Scope",
  "incident.triggers": "Triggers",
  "incident.unassigned": "nobody",
  "incident.decision": "Decision path ({playbook})",
  "incident.checklist": "Checklist ({done} of {total} done)",
  "incident.noPlaybook": "(playbook {playbook} not available: item ids shown)",
  "incident.byEvidence": "by evidence: {findings}",
  "incident.byAnalyst": "{by}, {at}",
  "incident.answer": "answer: {answer}",
  "incident.escalations": "Escalations",
  "incident.findings": "Findings ({count})",
  "incident.moreEvidence": "…and {count} more records",
  "incident.notes": "Notes ({count})",
  "incident.timeline": "Timeline",
  "incident.list.columns": "ID|STATUS|SEVERITY|PRIORITY|LAST SEEN|ASSIGNEE|TITLE",
  "incident.ticked": "{id}: {item} ticked by {by}",
  "incident.unticked": "{id}: {item} unticked by {by}",
  "incident.noted": "{id}: note #{note} added by {by}",
  "incident.assigned": "{id}: assigned to {to}",
  "incident.unassignedNow": "{id}: no longer assigned",
  "incident.statusSet": "{id}: status {status}",
  "incident.closed": "{id}: closed by {by}",
  "tl.created": "opened with {findings} findings (scan #{scan})",
  "tl.findings-joined": "{count} new findings joined (scan #{scan})",
  "tl.status-changed": "status {from} → {to}",
  "tl.checklist-ticked": "ticked {item}",
  "tl.checklist-unticked": "unticked {item}",
  "tl.note": "note: {excerpt}",
  "tl.assigned": "assigned to {to}",
  "tl.unassigned": "unassigned",
  "tl.closed": "closed",
  "tl.reason": "reason: {reason}",
} as const;

type Key = keyof typeof EN;

const TH: Record<Key, string> = {
  "incident.description": "จัดการเหตุการณ์ที่บันทึกไว้: แสดงรายการ ดูรายละเอียด ทำเครื่องหมายรายการตรวจสอบ เพิ่มบันทึก มอบหมาย ปิด",
  "incident.none": "ไม่มีเหตุการณ์ที่ตรงเงื่อนไข",
  "incident.header": "เหตุการณ์ {id}: {title}",
  "incident.sample": "ข้อค้นพบทั้งหมดเป็นตัวอย่างของผู้ให้บริการ (ข้อมูลทดสอบ) ไม่ใช่เหตุการณ์จริง",
  "incident.scope": "ขอบเขต",
  "incident.triggers": "ทริกเกอร์",
  "incident.unassigned": "ยังไม่มีผู้รับผิดชอบ",
  "incident.decision": "เส้นทางการตัดสินใจ ({playbook})",
  "incident.checklist": "รายการตรวจสอบ (เสร็จ {done} จาก {total})",
  "incident.noPlaybook": "(ไม่พบ playbook {playbook}: แสดงรหัสรายการแทน)",
  "incident.byEvidence": "ยืนยันด้วยหลักฐาน: {findings}",
  "incident.byAnalyst": "{by}, {at}",
  "incident.answer": "คำตอบ: {answer}",
  "incident.escalations": "การยกระดับ",
  "incident.findings": "ข้อค้นพบ ({count})",
  "incident.moreEvidence": "…และอีก {count} รายการ",
  "incident.notes": "บันทึก ({count})",
  "incident.timeline": "ลำดับเหตุการณ์",
  "incident.list.columns": "รหัส|สถานะ|ความรุนแรง|ลำดับความสำคัญ|พบล่าสุด|ผู้รับผิดชอบ|หัวข้อ",
  "incident.ticked": "{id}: {by} ทำเครื่องหมาย {item} ว่าเสร็จแล้ว",
  "incident.unticked": "{id}: {by} ยกเลิกเครื่องหมาย {item}",
  "incident.noted": "{id}: {by} เพิ่มบันทึก #{note}",
  "incident.assigned": "{id}: มอบหมายให้ {to}",
  "incident.unassignedNow": "{id}: ยกเลิกการมอบหมายแล้ว",
  "incident.statusSet": "{id}: สถานะ {status}",
  "incident.closed": "{id}: {by} ปิดเหตุการณ์แล้ว",
  "tl.created": "เปิดเหตุการณ์ด้วยข้อค้นพบ {findings} รายการ (สแกน #{scan})",
  "tl.findings-joined": "ข้อค้นพบใหม่ {count} รายการเข้าร่วม (สแกน #{scan})",
  "tl.status-changed": "เปลี่ยนสถานะ {from} → {to}",
  "tl.checklist-ticked": "ทำเครื่องหมายเสร็จ {item}",
  "tl.checklist-unticked": "ยกเลิกเครื่องหมาย {item}",
  "tl.note": "บันทึก: {excerpt}",
  "tl.assigned": "มอบหมายให้ {to}",
  "tl.unassigned": "ยกเลิกการมอบหมาย",
  "tl.closed": "ปิดเหตุการณ์",
  "tl.reason": "เหตุผล: {reason}",
};

const MESSAGES = { en: EN, th: TH };

function m(lang: Lang, key: Key, params?: Params): string {
  return translate(MESSAGES, lang, key, params);
}

// ---- safe text ---------------------------------------------------------------------------------

/** The one terminal escaping (present/escape.ts): attacker text shown with visible \\u escapes. */
export const terminalSafe = terminal;

// ---- shared helpers ----------------------------------------------------------------------------

interface GlobalOptions {
  db?: string;
  create?: boolean;
  lang?: string;
  format: "text" | "json";
}

interface Context {
  lang: Lang;
  json: boolean;
  out: (line?: string) => void;
  store: Store;
}

function defaultActor(env: NodeJS.ProcessEnv): string {
  const fromEnv = env["MINERHUNT_USER"] || env["USER"] || env["LOGNAME"];
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return "analyst";
  }
}

function loadPlaybookQuietly(id: string): Playbook | undefined {
  try {
    return loadPlaybook(id);
  } catch {
    return undefined;
  }
}

/** Text of a playbook checklist item ("analysis.binary-hash"), if the playbook has it. */
function itemText(pb: Playbook | undefined, itemId: string, lang: Lang): string | undefined {
  if (!pb) return undefined;
  const dot = itemId.indexOf(".");
  const phase = itemId.slice(0, dot);
  const id = itemId.slice(dot + 1);
  const lists = { analysis: pb.analysis, containment: pb.containment, eradication: pb.eradication, recovery: pb.recovery };
  const list = phase in lists ? lists[phase as keyof typeof lists] : undefined;
  const item = list?.find((i) => i.id === id);
  return item ? pick(item.text, lang) : undefined;
}

/** Every item the playbook lists, in its order, as "phase.id". */
function playbookItemIds(pb: Playbook): { id: string; phase: ChecklistItemState["phase"] }[] {
  const phases = [["analysis", pb.analysis], ["containment", pb.containment], ["eradication", pb.eradication], ["recovery", pb.recovery]] as const;
  return phases.flatMap(([phase, items]) => items.map((i) => ({ id: `${phase}.${i.id}`, phase })));
}

function nodeLabel(pb: Playbook | undefined, nodeId: string, lang: Lang): string {
  const graph = pb?.graphs.find((g) => g.id === pb.decisionGraph);
  const node = graph?.type === "flowchart" ? graph.nodes.find((n) => n.id === nodeId) : undefined;
  return node ? pick(node.label, lang) : nodeId;
}

function evidenceLocation(e: Evidence): string {
  if (e.line !== undefined) return `${e.file}:${e.line}`;
  if (e.packet !== undefined) return `${e.file}#packet${e.packet}`;
  if (e.offset !== undefined) return `${e.file}@${e.offset}`;
  return e.file;
}

// ---- renderers ---------------------------------------------------------------------------------

function renderList(ctx: Context, incidents: Incident[]): void {
  const { lang, out } = ctx;
  if (incidents.length === 0) { out(m(lang, "incident.none")); return; }
  const rows = incidents.map((i) => [
    i.id, t(lang, `status.${i.status}`), t(lang, `severity.${i.severity}`), i.priority, formatTime(i.lastSeen),
    i.assignee ?? "-", i.title,
  ].map(terminalSafe));
  const header = m(lang, "incident.list.columns").split("|");
  const table = [header, ...rows];
  // The last column (title) is not padded.
  const widths = header.map((_, c) => Math.max(...table.map((r) => (r[c] ?? "").length)));
  for (const r of table) out(r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join("  "));
}

function checklistLines(ctx: Context, inc: Incident, pb: Playbook | undefined): string[] {
  const { lang } = ctx;
  const states = new Map(inc.checklist.map((c) => [c.id, c]));
  const items = pb ? playbookItemIds(pb) : [];
  for (const c of inc.checklist) if (!items.some((i) => i.id === c.id)) items.push({ id: c.id, phase: c.phase });
  const done = items.filter((i) => states.get(i.id)?.done).length;
  const lines = [m(lang, "incident.checklist", { done, total: items.length })];
  if (!pb) lines.push(`  ${m(lang, "incident.noPlaybook", { playbook: inc.decision?.playbook ?? "PB-31" })}`);
  let phase = "";
  for (const item of items) {
    if (item.phase !== phase) {
      phase = item.phase;
      lines.push(`  ${t(lang, `checklist.phase.${item.phase}`)}`);
    }
    const s = states.get(item.id);
    const text = itemText(pb, item.id, lang);
    lines.push(`    [${s?.done ? "x" : " "}] ${item.id}${text ? `  ${terminalSafe(text)}` : ""}`);
    if (s?.answeredBy === "evidence" && s.findings?.length) {
      const shown = s.findings.slice(0, 5).join(", ") + (s.findings.length > 5 ? ", …" : "");
      lines.push(`        ${m(lang, "incident.byEvidence", { findings: shown })}`);
    }
    if (s?.answeredBy === "analyst" && s.by) {
      lines.push(`        ${terminalSafe(m(lang, "incident.byAnalyst", { by: s.by, at: formatTime(s.at ?? "") }))}`);
    }
    if (s?.answer) lines.push(`        ${terminalSafe(m(lang, "incident.answer", { answer: s.answer }))}`);
  }
  return lines;
}

function timelineText(lang: Lang, e: TimelineEntry): string {
  const d = e.data;
  const str = (k: string): string => (d[k] == null ? "" : Array.isArray(d[k]) ? (d[k] as string[]).join(", ") : String(d[k]));
  const status = (k: string): string => (INCIDENT_STATUSES as readonly string[]).includes(str(k)) ? t(lang, `status.${str(k) as IncidentStatus}`) : str(k);
  let text: string;
  switch (e.kind) {
    case "created": text = m(lang, "tl.created", { findings: str("findings"), scan: str("scan") }); break;
    case "findings-joined": text = m(lang, "tl.findings-joined", { count: str("count"), scan: str("scan") }); break;
    case "status-changed": text = m(lang, "tl.status-changed", { from: status("from"), to: status("to") }); break;
    case "checklist-ticked": text = m(lang, "tl.checklist-ticked", { item: str("item") }); break;
    case "checklist-unticked": text = m(lang, "tl.checklist-unticked", { item: str("item") }); break;
    case "note": text = m(lang, "tl.note", { excerpt: str("excerpt") }); break;
    case "assigned": text = d["to"] == null ? m(lang, "tl.unassigned") : m(lang, "tl.assigned", { to: str("to") }); break;
    case "closed": text = m(lang, "tl.closed"); break;
    default: text = e.kind;
  }
  if (d["reason"] != null) text += `; ${m(lang, "tl.reason", { reason: str("reason") })}`;
  if (d["answer"] != null) text += `; ${m(lang, "incident.answer", { answer: str("answer") })}`;
  return text;
}

function renderShow(ctx: Context, inc: Incident, findings: Finding[], notes: Note[], timeline: TimelineEntry[], pb: Playbook | undefined, campaign?: Campaign): void {
  const { lang } = ctx;
  const out = (line = ""): void => ctx.out(terminalSafe(line));
  const label = (key: MessageKey): string => t(lang, key);

  out(m(lang, "incident.header", { id: inc.id, title: inc.title }));
  out(`  ${label("field.status")}: ${t(lang, `status.${inc.status}`)}   ${label("field.severity")}: ${t(lang, `severity.${inc.severity}`)}   ` +
    `${label("field.priority")}: ${inc.priority}   ${label("field.confidence")}: ${inc.confidence.toFixed(2)}`);
  out(`  ${label("field.environment")}: ${t(lang, `environment.${inc.environment}`)}   ${label("field.hostType")}: ${t(lang, `hostType.${inc.hostType}`)}`);
  out(`  ${label("field.firstSeen")}: ${formatTime(inc.firstSeen)}   ${label("field.lastSeen")}: ${formatTime(inc.lastSeen)}`);
  out(`  ${label("field.assignee")}: ${inc.assignee ?? m(lang, "incident.unassigned")}`);
  out(`  ${m(lang, "incident.scope")}: ${t(lang, "scope.summary", { ...inc.scope })}`);
  out(`  ${m(lang, "incident.triggers")}: ${inc.triggers.map((tr) => t(lang, `trigger.${tr}`)).join("; ")}`);
  if (inc.billingUsd !== undefined) out(`  ${label("field.billing")}: ${formatUsd(inc.billingUsd)}`);
  if (inc.sample) out(`  ! ${m(lang, "incident.sample")}`);

  out();
  out(label("section.entities"));
  for (const [kind, values] of Object.entries(inc.entities)) {
    if (values?.length) out(`  ${t(lang, `entity.${kind}` as MessageKey)}: ${values.join(", ")}`);
  }

  out();
  out(m(lang, "incident.decision", { playbook: inc.decision?.playbook ?? "PB-31" }));
  if (!inc.decision) out(`  ${label("decision.none")}`);
  else {
    out(`  ${inc.decision.path.map((id) => nodeLabel(pb, id, lang)).join(" → ")}`);
    out(`  ${label("decision.outcome")}: ${t(lang, `decision.outcome.${inc.decision.outcome}`)} — ${pick(inc.decision.action, lang)}`);
    for (const r of inc.decision.reasons) out(`    - ${pick(r, lang)}`);
  }

  out();
  for (const line of checklistLines(ctx, inc, pb)) out(line);

  out();
  out(label("section.escalations"));
  if (inc.escalations.length === 0) out(`  ${label("escalation.none")}`);
  for (const e of inc.escalations) out(`  - ${pick(e.target, lang)}${e.playbook ? ` (${e.playbook})` : ""}: ${pick(e.reason, lang)}`);

  if (campaign) {
    out();
    out(`${label("section.campaign")} ${campaign.id}`);
    out(`  ${t(lang, "campaign.summary", { machines: campaign.scope.machines, incidents: campaign.scope.incidents,
      scope: t(lang, "scope.summary", { hosts: campaign.scope.hosts, instances: campaign.scope.instances, regions: campaign.scope.regions, accounts: campaign.scope.accounts, clusters: campaign.scope.clusters }) })}`);
    for (const l of campaign.links.slice(0, 8)) out(`  - ${l.kind} ${l.value} (${l.incidents})`);
  }

  out();
  out(m(lang, "incident.findings", { count: findings.length }));
  for (const f of findings) {
    out(`  ${f.id}  ${t(lang, `severity.${f.severity}`)}  ${f.confidence.toFixed(2)}  ${f.trigger}  ${f.title}  [${formatTime(f.firstSeen)}]`);
    for (const e of f.evidence) out(`      ${evidenceLocation(e)}${e.summary ? `  ${e.summary}` : ""}`);
    if (f.evidenceCount > f.evidence.length) out(`      ${m(lang, "incident.moreEvidence", { count: f.evidenceCount - f.evidence.length })}`);
  }

  out();
  out(m(lang, "incident.notes", { count: notes.length }));
  for (const n of notes) out(`  #${n.id}  ${formatTime(n.at)}  ${n.author}: ${n.text}`);

  out();
  out(m(lang, "incident.timeline"));
  for (const e of timeline) out(`  ${formatTime(e.at)}  ${e.actor}  ${timelineText(lang, e)}`);
}

// ---- the command -------------------------------------------------------------------------------

export function registerIncidentCommand(program: Command, deps: IncidentCommandDeps = {}): Command {
  const env = deps.env ?? process.env;
  // A store that does not exist is an error (a mistyped --db is not an empty store), unless --create.
  const open = deps.openStore ?? ((location: string, create?: boolean) => openStore(location, { mustExist: create !== true }));
  const playbookOf = deps.playbook ?? loadPlaybookQuietly;
  const write = deps.write ?? ((text: string) => { process.stdout.write(text); });
  const helpLang = resolveLang(undefined, env);

  const incident = program
    .command("incident")
    .description(m(helpLang, "incident.description"))
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--create", "start an empty store when --db names none (without it, a store that does not exist is an error)")
    .addOption(new Option("--lang <lang>", "language of the text output (default from LC_ALL/LANG)").choices(["th", "en"]))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"));

  /** Run one subcommand with the store open, closing it whatever happens. */
  const withContext = async (cmd: Command, fn: (ctx: Context) => Promise<void>): Promise<void> => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const lang = resolveLang(opts.lang, env);
    const location = opts.db ?? defaultStoreLocation(env);
    const store = await open(location, opts.create);
    try {
      const warning = await auditWarning(store, location, env);
      if (warning) process.stderr.write(`${warning}\n`);
      await fn({ lang, json: opts.format === "json", out: (line = "") => write(`${line}\n`), store });
    } finally {
      await store.close();
    }
  };
  const json = (ctx: Context, value: unknown): void => ctx.out(JSON.stringify(value, null, 2));
  const actor = (by: string | undefined): string => by ?? defaultActor(env);

  incident.command("list")
    .description("List incidents, most urgent first (closed ones only with --all or --status closed)")
    .addOption(new Option("--status <status...>", "only these statuses").choices([...INCIDENT_STATUSES]))
    .addOption(new Option("--severity <severity>", "at least this severity").choices([...SEVERITIES]))
    .option("--all", "include closed incidents")
    .option("--limit <n>", "at most N incidents", (v) => Number.parseInt(v, 10), 100)
    .action(async (opts: { status?: IncidentStatus[]; severity?: Incident["severity"]; all?: boolean; limit: number }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const status = opts.status ?? (opts.all ? undefined : INCIDENT_STATUSES.filter((s) => s !== "closed"));
        const incidents = await ctx.store.listIncidents({
          ...(status ? { status } : {}), ...(opts.severity ? { severity: opts.severity } : {}),
          limit: Number.isFinite(opts.limit) && opts.limit > 0 ? opts.limit : 100,
        });
        if (ctx.json) json(ctx, incidents);
        else renderList(ctx, incidents);
      });
    });

  incident.command("show")
    .description("Show an incident: decision path, checklist, escalations, findings with evidence, notes, timeline")
    .argument("<incident>", "incident id or a unique prefix of it")
    .action(async (idOrPrefix: string, _opts: unknown, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const [findings, notes, timeline] = [await ctx.store.listFindings(inc.id), await ctx.store.notes(inc.id), await ctx.store.timeline(inc.id)];
        const campaign = inc.campaignId ? await ctx.store.getCampaign(inc.campaignId) : undefined;
        if (ctx.json) json(ctx, { incident: inc, campaign, findings, notes, timeline });
        else renderShow(ctx, inc, findings, notes, timeline, playbookOf(inc.decision?.playbook ?? "PB-31"), campaign);
      });
    });

  incident.command("check")
    .description("Tick (or with --undo untick) a checklist item, e.g. analysis.binary-hash")
    .argument("<incident>", "incident id or a unique prefix of it")
    .argument("<item>", "checklist item id (phase.item, as `incident show` lists them)")
    .option("--undo", "mark the item as not done")
    .option("--by <name>", "who did it (default: $MINERHUNT_USER or the login name)")
    .option("--answer <text>", "what was found (e.g. the binary's hash)")
    .action(async (idOrPrefix: string, item: string, opts: { undo?: boolean; by?: string; answer?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const by = actor(opts.by);
        // The playbook's own item ids: a mistyped id is refused with the valid ones, never counted.
        const pb = playbookOf(inc.decision?.playbook ?? "PB-31");
        const changed = await ctx.store.tickChecklist(inc.id, item, {
          by, done: !opts.undo, ...(opts.answer !== undefined ? { answer: opts.answer } : {}),
          ...(pb ? { items: playbookItemIds(pb).map((i) => i.id) } : {}),
        });
        const state = changed.checklist.find((c) => c.id === item);
        if (ctx.json) json(ctx, state);
        else ctx.out(terminalSafe(m(ctx.lang, opts.undo ? "incident.unticked" : "incident.ticked", { id: inc.id, item, by })));
      });
    });

  incident.command("note")
    .description("Add a note to an incident")
    .argument("<incident>", "incident id or a unique prefix of it")
    .argument("<text...>", "the note")
    .option("--by <name>", "author (default: $MINERHUNT_USER or the login name)")
    .action(async (idOrPrefix: string, words: string[], opts: { by?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const note = await ctx.store.addNote(inc.id, words.join(" "), { by: actor(opts.by) });
        if (ctx.json) json(ctx, note);
        else ctx.out(terminalSafe(m(ctx.lang, "incident.noted", { id: inc.id, note: note.id, by: note.author })));
      });
    });

  incident.command("assign")
    .description("Assign an incident to someone (\"\" takes it back)")
    .argument("<incident>", "incident id or a unique prefix of it")
    .argument("<name>", "the assignee")
    .option("--by <name>", "who assigns (default: $MINERHUNT_USER or the login name)")
    .action(async (idOrPrefix: string, name: string, opts: { by?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const changed = await ctx.store.assign(inc.id, name, { by: actor(opts.by) });
        if (ctx.json) json(ctx, changed);
        else ctx.out(terminalSafe(changed.assignee
          ? m(ctx.lang, "incident.assigned", { id: inc.id, to: changed.assignee })
          : m(ctx.lang, "incident.unassignedNow", { id: inc.id })));
      });
    });

  incident.command("status")
    .description("Move an incident through PB-31's phases: open, contained, eradicated, recovered (closed: use close)")
    .argument("<incident>", "incident id or a unique prefix of it")
    .addArgument(new Argument("<status>", "the new status").choices(INCIDENT_STATUSES.filter((s) => s !== "closed")))
    .option("--reason <text>", "why")
    .option("--by <name>", "who (default: $MINERHUNT_USER or the login name)")
    .action(async (idOrPrefix: string, status: IncidentStatus, opts: { reason?: string; by?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const changed = await ctx.store.setStatus(inc.id, status, { by: actor(opts.by), ...(opts.reason ? { reason: opts.reason } : {}) });
        if (ctx.json) json(ctx, changed);
        else ctx.out(m(ctx.lang, "incident.statusSet", { id: inc.id, status: t(ctx.lang, `status.${changed.status}`) }));
      });
    });

  incident.command("close")
    .description("Close an incident; later findings on the same machines open a new one")
    .argument("<incident>", "incident id or a unique prefix of it")
    .option("--reason <text>", "why it can be closed")
    .option("--by <name>", "who closes it (default: $MINERHUNT_USER or the login name)")
    .action(async (idOrPrefix: string, opts: { reason?: string; by?: string }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const inc = await requireIncident(ctx.store, idOrPrefix);
        const by = actor(opts.by);
        const changed = await ctx.store.closeIncident(inc.id, { by, ...(opts.reason ? { reason: opts.reason } : {}) });
        if (ctx.json) json(ctx, changed);
        else ctx.out(terminalSafe(m(ctx.lang, "incident.closed", { id: inc.id, by })));
      });
    });

  return incident;
}

async function requireIncident(store: Store, idOrPrefix: string): Promise<Incident> {
  const inc = await store.getIncident(idOrPrefix);
  if (!inc) throw new Error(`no incident "${terminalSafe(idOrPrefix)}" in the store (minerhunt incident list shows the ids)`);
  return inc;
}
