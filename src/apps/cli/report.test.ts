import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import type { Finding, Incident } from "../../model/index.js";
import { openStore } from "../../store/index.js";
import type { IncidentStore } from "../../report/index.js";
import { incidentFrom, realisticFindings } from "../../report/test-helpers/incident.js";
import { approvalsOf, historyOf, notesOf, responsePlan, stepRunsOf } from "../../report/test-helpers/response.js";
import { registerReportCommand } from "./report.js";
import type { ReportCommandDeps } from "./report.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-cli-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const findings = realisticFindings();
const incident = incidentFrom(findings);

/** The smallest store the command needs: proves the IncidentStore interface is all it uses. */
function memoryStore(): IncidentStore & { closed: boolean } {
  const s = {
    closed: false,
    getIncident: (id: string): Incident | undefined => (id === incident.id || (id.length >= 6 && incident.id.startsWith(id)) ? incident : undefined),
    listFindings: (id: string): Finding[] => (id === incident.id ? findings : []),
    close: () => { s.closed = true; },
  };
  return s;
}

async function run(args: string[], deps: ReportCommandDeps = {}): Promise<{ out: string; info: string[] }> {
  let out = "";
  const info: string[] = [];
  const program = new Command("minerhunt").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerReportCommand(program, {
    write: (d) => { out += typeof d === "string" ? d : d.toString("latin1"); },
    info: (l) => { info.push(l); },
    env: { LANG: "en_US.UTF-8" },
    now: () => new Date("2026-11-21T08:00:00Z"),
    ...deps,
  });
  await program.parseAsync(["node", "minerhunt", "report", ...args]);
  return { out, info };
}

test("report to stdout in Markdown, language from --lang or the locale, store closed after", async () => {
  const store = memoryStore();
  const { out } = await run([incident.id], { openStore: () => store });
  assert.match(out, /^# Incident report: /);
  assert.equal(store.closed, true);
  const th = await run([incident.id, "--lang", "th"], { openStore: () => memoryStore() });
  assert.match(th.out, /^# รายงานเหตุการณ์: /);
  const fromLocale = await run([incident.id], { openStore: () => memoryStore(), env: { LANG: "th_TH.UTF-8" } });
  assert.match(fromLocale.out, /^# รายงานเหตุการณ์: /);
});

test("exports: --format ocsf, stix, thehive write JSON", async () => {
  const ocsf = JSON.parse((await run([incident.id, "--format", "ocsf"], { openStore: () => memoryStore() })).out) as { class_uid: number };
  assert.equal(ocsf.class_uid, 2005);
  const stix = JSON.parse((await run([incident.id, "--format", "stix"], { openStore: () => memoryStore() })).out) as { type: string };
  assert.equal(stix.type, "bundle");
  const hive = JSON.parse((await run([incident.id, "--format", "thehive"], { openStore: () => memoryStore() })).out) as { sourceRef: string };
  assert.equal(hive.sourceRef, incident.id);
});

test("--output writes the file: a small HTML page with its SVG diagram and no script", async () => {
  const file = join(dir, "report.html");
  const { out, info } = await run([incident.id, "--format", "html", "--output", file], { openStore: () => memoryStore() });
  assert.equal(out, "");
  const page = readFileSync(file, "utf8");
  assert.match(page, /<svg [^>]*class="flowchart"/);
  assert.doesNotMatch(page, /<script/);
  assert.ok(page.length < 200_000, `${page.length} bytes`);
  assert.match(info[0]!, /^Wrote .*report\.html \(\d+ bytes\)$/);
});

test("several incidents: one file each in the --output folder, one shared PDF renderer left open for the caller", async () => {
  const second: Incident = { ...incident, id: "inc-20261120-0002", title: "Second" };
  const store: IncidentStore = {
    getIncident: (id: string) => (id === incident.id ? incident : id === second.id ? second : undefined),
    listFindings: () => findings,
  };
  const out = join(dir, "batch");
  const rendered: string[] = [];
  const pdfRenderer = { render: async (html: string) => { rendered.push(html); return Buffer.from("%PDF-1.7 test"); }, close: async () => { throw new Error("the caller's renderer is not closed"); } };
  const { info } = await run([incident.id, second.id, "--format", "pdf", "--output", out], { openStore: () => store, pdfRenderer });
  assert.equal(rendered.length, 2);
  assert.match(rendered[1]!, /<title>Incident report: Second<\/title>/);
  assert.equal(readFileSync(join(out, `${incident.id}.pdf`), "latin1"), "%PDF-1.7 test");
  assert.ok(existsSync(join(out, `${second.id}.pdf`)));
  assert.equal(info.length, 2);
  const json = await run([incident.id, second.id, "--format", "stix", "--output", out], { openStore: () => store });
  assert.equal(json.info.length, 2);
  assert.equal((JSON.parse(readFileSync(join(out, `${second.id}.stix.json`), "utf8")) as { type: string }).type, "bundle");
  await assert.rejects(run([incident.id, second.id], { openStore: () => store }), /Several incidents need --output DIR/);
});

test("a closed incident's report from the store lists its notes and close reason", async () => {
  const db = join(dir, "closed.db");
  const store = await openStore(db);
  try {
    await store.saveScan({ findings, incidents: [incident] });
    await store.addNote(incident.id, "binary kept in the evidence locker", { by: "somchai" });
    await store.closeIncident(incident.id, { by: "wichai", reason: "false alarm ruled out; miner removed" });
  } finally {
    await store.close();
  }
  for (const [lang, heading] of [["en", "What was done"], ["th", "สิ่งที่ดำเนินการแล้ว"]] as const) {
    const { out } = await run([incident.id, "--db", db, "--lang", lang]);
    const done = out.slice(out.indexOf(`## ${heading}`));
    assert.match(done, /\| somchai \| binary kept in the evidence locker \|/);
    assert.match(done, /\| wichai \| (closed|ปิด): false alarm ruled out; miner removed \|/);
    assert.match(out, /wichai.*false alarm ruled out; miner removed/);
  }
});

test("usage errors: unknown incident, format, language; a PDF needs --output", async () => {
  await assert.rejects(run(["inc-nope"], { openStore: () => memoryStore() }), /Incident inc-nope is not in the store/);
  await assert.rejects(run([incident.id, "--format", "docx"], { openStore: () => memoryStore() }), /Unknown format docx: expected one of md, html, pdf, ocsf, stix, thehive/);
  await assert.rejects(run([incident.id, "--lang", "fr"], { openStore: () => memoryStore() }), /Unknown language fr/);
  await assert.rejects(run([incident.id, "--format", "pdf"], { openStore: () => memoryStore() }), /A PDF is binary: give --output FILE/);
});

test("with the real store: an incident saved by a scan is reported by id prefix", async () => {
  const db = join(dir, "store.db");
  const store = await openStore(db);
  try {
    await store.saveScan({ findings, incidents: [incident] });
  } finally {
    await store.close();
  }
  const { out } = await run([incident.id.slice(0, 12), "--db", db, "--format", "md"]);
  assert.match(out, /^# Incident report: Cryptomining: AWS account 123456789012/);
  assert.match(out, /\| \*\*Incident ID\*\* \| inc-20261120-0001 \|/);
});

test("a store that keeps response records: the report shows the plan's steps, approval and verification", async () => {
  const plan = responsePlan(incident.id);
  const asked: string[] = [];
  const store: IncidentStore = {
    getIncident: (id: string) => (id === incident.id ? incident : undefined),
    listFindings: () => findings,
    notes: (id: string) => { asked.push(`notes ${id}`); return notesOf(id); },
    timeline: (id: string) => { asked.push(`timeline ${id}`); return historyOf(id); },
    listPlans: (id?: string) => { asked.push(`plans ${String(id)}`); return [plan]; },
    approvals: (planId: string) => { asked.push(`approvals ${planId}`); return approvalsOf(plan); },
    stepRuns: (planId: string) => { asked.push(`runs ${planId}`); return stepRunsOf(plan); },
  };
  const { out } = await run([incident.id], { openStore: () => store });
  assert.deepEqual(asked.sort(), [`approvals ${plan.id}`, `notes ${incident.id}`, `plans ${incident.id}`, `runs ${plan.id}`, `timeline ${incident.id}`].sort());
  const done = out.slice(out.indexOf("## What was done"));
  assert.match(done, /Approved by wichai at 2026-11-20 06:07:30Z/);
  assert.match(done, /\| executed and verified \| 2026-11-20 06:10:05Z, somchai \| state=gone/);
  assert.match(done, /xmrig ran as jenkins/);
});
