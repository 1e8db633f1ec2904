import { test } from "node:test";
import assert from "node:assert/strict";
import type { Campaign } from "../model/index.js";
import { loadPlaybook } from "../playbook/index.js";
import { escapeHtml, escapeMarkdown } from "./escape.js";
import { renderReport } from "./render.js";
import { HOSTILE, ONPREM_HOST, WALLET, XMRIG_SHA256, hostileFinding, incidentFrom, realisticFindings } from "./test-helpers/incident.js";

const playbook = loadPlaybook("PB-31");
const now = new Date("2026-11-21T08:00:00Z");
const findings = realisticFindings();
const incident = incidentFrom(findings);

async function md(lang: "en" | "th", inc = incident, fs = findings, extra = {}): Promise<string> {
  const out = await renderReport(inc, fs, { lang, format: "md", playbook, now, ...extra });
  assert.equal(typeof out, "string");
  return out as string;
}

async function html(lang: "en" | "th", inc = incident, fs = findings, extra = {}): Promise<string> {
  return (await renderReport(inc, fs, { lang, format: "html", playbook, now, ...extra })) as string;
}

/** The lines of the Markdown section with this heading. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `section ${heading}`);
  const end = text.indexOf("\n## ", start + 4);
  return text.slice(start, end < 0 ? undefined : end);
}

test("Markdown (en): executive summary, decision path with the mermaid diagram, escalations, billing", async () => {
  const text = await md("en");
  assert.ok(text.startsWith("# Incident report: Cryptomining: AWS account 123456789012 (3 regions) and build-01\n"));
  assert.match(text, /_Generated 2026-11-21 08:00:00Z by minerhunt_/);
  const summary = section(text, "Executive summary");
  assert.match(summary, /Mining seen on build-01\.corp\.example\.com, i-0a1b2c3d4e5f60718, i-0b2c3d4e5f6071829 \(\+2 more\), from 2026-11-19 22:40:00Z to 2026-11-21 00:00:00Z \(25 h\)\./);
  assert.match(summary, /Decision \(playbook PB-31\): .* → 🔴 IAM Compromise → 🔑 Check the IAM credentials\. What to do: IAM Compromise/);
  assert.match(summary, /Money at stake: not priced yet \(no response plan\) while it runs; billing impact shown by the evidence: \$18,342\.55\./);
  assert.match(summary, /Escalated to: Finance \+ Cloud team; PB-16 Cloud IAM\./);
  assert.match(summary, /\| \*\*Severity\*\* \| High \|/);
  assert.match(summary, /\| \*\*Priority\*\* \| P1 \|/);
  assert.match(summary, /\| \*\*Environment\*\* \| Hybrid \(cloud and on-premise\) \|/);
  assert.match(summary, /1 host\(s\), 4 instance\(s\), 3 region\(s\), 1 account\(s\), 0 cluster\(s\)/);
  const decision = section(text, "Decision path");
  assert.match(decision, /🚨 Cryptomining Alert → ☁️ Environment\? → 💰 Check billing \+ regions → 📊 How many instances\? → 🔴 IAM Compromise → 🔑 Check the IAM credentials/);
  assert.match(decision, /```mermaid\nflowchart TD\n/);
  assert.match(decision, /class Alert,Env,Cloud,Scope,Multi,IAM onPath/);
  const esc = section(text, "Escalations");
  assert.match(esc, /\| Finance \+ Cloud team \| Abnormal billing \$18,342\.55 is over the \$1,000\.00 threshold \| — \|/);
  assert.match(esc, /\| PB-16 Cloud IAM \| .* \| PB-16 \|/);
  assert.match(section(text, "Billing impact"), /Billing impact shown by the evidence: \$18,342\.55/);
});

test("Markdown (en): timeline by kind in time order, evidence as facts, attacker IOCs, checklist, MITRE, appendix", async () => {
  const text = await md("en");
  const timeline = section(text, "Timeline");
  const times = [...timeline.matchAll(/^\| (2026-\d\d-\d\d \d\d:\d\d:\d\dZ) \|/gm)].map((m) => m[1]);
  assert.equal(times.length, new Set(findings.map((f) => f.rule.id)).size, "one row per kind of finding");
  assert.deepEqual([...times].sort(), times, "sorted by first seen");
  const evidence = section(text, "Evidence");
  assert.match(evidence, /10 distinct fact\(s\) from 10 evidence record\(s\) in 6 file\(s\)/);
  assert.match(evidence, /\| 10\.20\.0\.15:51544 -&gt; 203\.0\.113\.77:3333 tcp 7h18m 1\.2 MB \| 1 \| <code>zeek\/conn\.log<\/code> \|/);
  const iocs = section(text, "Indicators of compromise (IOCs)");
  for (const v of ["203.0.113.77:3333", "pool.supportxmr.com", "xmr-eu1.nanopool.org", WALLET, XMRIG_SHA256, "http://198.51.100.23/x.sh"]) {
    assert.ok(iocs.includes(`<code>${v}</code>`), `IOC ${v}`);
  }
  assert.match(iocs, /\| Wallet \|/);
  assert.match(iocs, /\| File hash \|/);
  assert.doesNotMatch(iocs, /\| (Process|File|Command line|Instance type|User|Port) \|/, "context is not listed among indicators");
  const checklist = section(text, "Playbook checklist");
  assert.match(checklist, /\*\*1\\\. Analysis \(7 of 8 done\)\*\*/);
  assert.match(checklist, /\| Mining binary and hash \| EDR process list \| ☑ \| evidence: f-[0-9a-f]+ \|/);
  assert.match(checklist, /\| Lateral movement\? \| SIEM \| ☐ \| open \|/);
  assert.match(checklist, /\*\*2\\\. Containment \(0 of 5 done\)\*\*/);
  assert.match(checklist, /\| 1 \| Kill the mining process \| EDR \/ SSH \| kill-process, delete-workload \| ☐ \| open \|/);
  assert.match(checklist, /```bash\nfor region in \$\(aws ec2 describe-regions/, "the every-region sweep, verbatim in a code block");
  assert.match(section(text, "What was done"), /_None yet: no response action has been run for this incident\./);
  const mitre = section(text, "MITRE ATT&amp;CK mapping");
  assert.match(mitre, /\| T1496 \| Resource Hijacking \| Impact \(TA0040\) \| playbook PB-31, 7 findings \|/);
  assert.match(mitre, /\| T1053\.003 \| Scheduled Task\/Job: Cron \| Execution \(TA0002\), Persistence \(TA0003\), Privilege Escalation \(TA0004\) \| 1 findings \|/);
  const appendix = section(text, "Appendix: full lists");
  assert.match(appendix, /\*\*A\. Findings\*\*/);
  assert.match(appendix, /<code>hosts\/build-01\/ps-auxww\.txt:14<\/code>/);
  assert.match(appendix, /\*\*D\. Context \(the affected side, not indicators\)\*\*/);
  assert.match(appendix, /\| Instance type \| <code>p3\.16xlarge<\/code> \|/);
});

test("Markdown (th): the same report in Thai, with the playbook's own Thai text", async () => {
  const text = await md("th");
  assert.ok(text.startsWith("# รายงานเหตุการณ์: "));
  for (const heading of ["บทสรุปสำหรับผู้บริหาร", "เส้นทางการตัดสินใจ", "การยกระดับ", "ลำดับเหตุการณ์", "หลักฐาน", "ตัวบ่งชี้การบุกรุก (IOCs)",
    "รายการตรวจสอบตาม Playbook", "สิ่งที่ดำเนินการแล้ว", "ภาคผนวก: รายการทั้งหมด"]) {
    assert.ok(text.includes(`\n## ${heading}\n`), heading);
  }
  assert.match(text, /\| \*\*ระดับความรุนแรง\*\* \| สูง \|/);
  assert.match(text, /\| Host\/Instance ที่ทำ mining \| EDR \/ GuardDuty \/ CloudWatch \| ☑ \|/);
  assert.match(text, /\| มี lateral movement\? \| SIEM \| ☐ \| ยังไม่เสร็จ \|/);
  assert.match(text, /ตรวจ Billing \+ Regions/);
  assert.match(text, /Billing ผิดปกติ \$18,342\.55 เกินเกณฑ์ \$1,000\.00/);
  assert.match(text, /Multi\["🔴 IAM Compromise"\]/);
  assert.match(text, /_ยังไม่มี: ยังไม่ได้ดำเนินการตอบสนองใด/);
  assert.match(text, /\| T1496 \| Resource Hijacking \| ผลกระทบ \(Impact\) \(TA0040\) \|/);
  // A detector's English title becomes the kind's Thai name plus what it names.
  assert.match(section(text, "ภาคผนวก: รายการทั้งหมด"), /\| ค่าใช้จ่าย cloud พุ่งสูงผิดปกติ: 123456789012 \|/);
});

test("Markdown escaping: hostile log text cannot become HTML, links, emphasis or table cells", async () => {
  const bad = hostileFinding();
  const inc = incidentFrom([bad]);
  const text = await md("en", inc, [bad]);
  assert.ok(!text.includes("<img"), "no raw <img> tag");
  assert.ok(!text.includes("</script>"), "no raw </script>");
  assert.ok(text.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(!text.includes("[link](http"), "no live link");
  assert.ok(!text.includes(" **bold** "), "no emphasis");
  const row = text.split("\n").find((l) => l.includes("Miner &lt;img") && l.startsWith("| 2026"))!;
  assert.ok(row, "appendix row of the finding");
  const cells = row.replace(/\\\|/g, "").split("|").length - 2;
  assert.equal(cells, 4, "the | in the title did not add a table cell");
  assert.equal(escapeMarkdown("a\nb # c"), "a b # c");
  assert.equal(escapeMarkdown("# not a heading"), "\\# not a heading");
  assert.equal(escapeMarkdown("12. not a list"), "12\\. not a list");
  assert.equal(escapeMarkdown("10.20.0.15:51544"), "10.20.0.15:51544");
  assert.equal(escapeMarkdown("-x"), "-x");
  assert.equal(escapeMarkdown("- x"), "\\- x");
  assert.equal(escapeMarkdown("x*y*_z_ `c` ~~s~~"), "x\\*y\\*\\_z\\_ \\`c\\` \\~\\~s\\~\\~");
});

test("HTML: everything escaped, no script at all, the decision path as an inline SVG, small", async () => {
  const bad = hostileFinding();
  const inc = incidentFrom([...findings, bad]);
  const page = await html("en", inc, [...findings, bad]);
  assert.ok(page.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
  assert.ok(!page.includes(HOSTILE), "hostile HTML not present raw");
  assert.ok(page.includes(escapeHtml(HOSTILE)));
  assert.ok(!page.includes("<script>alert(2)"), "no injected script");
  assert.doesNotMatch(page, /<script/i, "the page runs no script: mermaid is no longer inlined");
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'none';/);
  assert.doesNotMatch(page, /(cdn\.jsdelivr|unpkg\.com|cdnjs)/);
  assert.ok(page.length < 200_000, `HTML is ${page.length} bytes`);
  assert.equal((page.match(/<svg [^>]*class="flowchart"/g) ?? []).length, 1);
  assert.match(page, /<g class="node on-path" data-node="IAM">/);
  assert.match(page, /<g class="node" data-node="OnPrem">/);
  assert.match(page, /<p class="fallback">🚨 Cryptomining Alert → /, "the path also as words");
  assert.match(page, /<td class="done">☑<\/td>/);
  assert.match(page, /<section id="appendix" class="appendix">/);
  assert.match(page, /th, td \{[^}]*overflow-wrap: break-word/, "long ids wrap at word boundaries, not anywhere");

  const th = await html("th", incident, findings);
  assert.match(th, /<html lang="th"/);
  assert.match(th, /<h2>เส้นทางการตัดสินใจ<\/h2>/);
  assert.match(th, /<tspan [^>]*>☁️ สภาพแวดล้อม\?<\/tspan>/);
});

test("a sample-only incident is flagged at the top; recorded actions are listed", async () => {
  const s = realisticFindings().filter((f) => f.rule.id === "cloud-alert").map((f) => ({ ...f, sample: true }));
  const inc = incidentFrom(s);
  assert.equal(inc.severity, "informational");
  const text = await md("en", inc, s, { actions: [{ name: "kill-process", status: "done", target: `${ONPREM_HOST}: pid 48213`, at: "2026-11-20T06:10:00Z" }] });
  assert.match(section(text, "Executive summary"), /> \*\*Every finding in this incident is a provider sample/);
  assert.match(text, /\(sample\)/);
  assert.match(section(text, "What was done"), /\| 2026-11-20 06:10:00Z \| <code>kill-process<\/code> \| done \| <code>build-01\.corp\.example\.com: pid 48213<\/code> \|/);
});

test("an incident without a decision or findings still renders every section", async () => {
  const { decision: _drop, ...bare } = incidentFrom([]);
  const text = await md("en", bare, []);
  assert.match(section(text, "Decision path"), /has not been applied/);
  assert.match(section(text, "Timeline"), /_No findings\._/);
  assert.match(section(text, "Billing impact"), /No billing data/);
  assert.match(section(text, "Escalations"), /meets no escalation criterion/);
});

test("big incidents stay bounded: one timeline row per kind, facts counted, appendix and answered-by lists capped", async () => {
  const base = realisticFindings().find((f) => f.rule.id === "miner-process")!;
  const many = Array.from({ length: 600 }, (_, i) => ({
    ...base, id: `f-${String(i).padStart(20, "0")}`, entities: { hosts: [`web-${i}`], pools: ["pool.supportxmr.com"] },
    evidence: [{ file: "ps.txt", line: i + 1, summary: "xmrig -o pool.supportxmr.com:3333" }, { file: "ps.txt", line: i + 2, summary: `pid ${i}` }],
  }));
  const inc = incidentFrom(many);
  const text = await md("en", inc, many);
  const timelineRows = section(text, "Timeline").split("\n").filter((l) => l.startsWith("| 2026"));
  assert.equal(timelineRows.length, 1);
  assert.match(timelineRows[0]!, /\| 600 \| pool\.supportxmr\.com — web-0; pool\.supportxmr\.com — web-1; pool\.supportxmr\.com — web-2 … \|/);
  assert.match(section(text, "Evidence"), /\| xmrig -o pool\.supportxmr\.com:3333 \| 600 \| <code>ps\.txt<\/code> \|/);
  assert.match(section(text, "Evidence"), /15 of 601 shown\./);
  assert.match(section(text, "Appendix: full lists"), /25 of 600 listed;/);
  assert.match(section(text, "Appendix: full lists"), /25 of 1200 listed;/);
  assert.match(section(text, "Playbook checklist"), /\| Host\/instance doing the mining \| [^|]+ \| ☑ \| evidence: (f-\d+, ){7}f-\d+ \(\+592\) \|/);
  assert.match(section(text, "Affected resources"), /web-11 \(\+588 more\)/);
  assert.ok(text.length < 120_000, `Markdown is ${text.length} characters`);
});

test("timeline: findings without a readable time come last, never first", async () => {
  const [a, b] = realisticFindings();
  const untimed = { ...a!, id: "f-untimed", firstSeen: "unknown", lastSeen: "unknown", rule: { ...a!.rule, id: "zz-untimed", name: "Untimed" } };
  const text = await md("en", incidentFrom([untimed, b!]), [untimed, b!]);
  const rows = section(text, "Timeline").split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---") && !l.includes("First seen"));
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /^\| 2026-/);
  assert.match(rows[1]!, /^\| time unknown \| time unknown \| Untimed \|/);
});

test("the incident's campaign gets its own section, in both languages, only when there is one", async () => {
  assert.ok(!(await md("en")).includes("## Campaign"));
  const campaign: Campaign = {
    id: "camp-0123456789ab", title: "Campaign: 9 machines in 3 incidents", incidentIds: [incident.id, "inc-b", "inc-c"],
    links: [{ kind: "wallet", value: "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge", incidents: 2 }],
    scope: { hosts: 1, instances: 7, regions: 3, accounts: 1, clusters: 1, incidents: 3, machines: 9 },
    environments: ["cloud", "on-premise"], firstSeen: "2026-11-20T01:00:00Z", lastSeen: "2026-11-20T05:00:00Z",
  };
  const en = section(await md("en", { ...incident, campaignId: campaign.id }, findings, { campaign }), "Campaign camp-0123456789ab");
  assert.match(en, /9 machine\(s\) in 3 incident\(s\)/);
  assert.match(en, /wallet 4AdUndXH/);
  assert.match(await md("th", incident, findings, { campaign }), /## Campaign \(การโจมตีชุดเดียวกัน\) camp-0123456789ab/);
});
