/**
 * A closed incident's report, in Thai and English: what was done (plan steps with their verification,
 * approvals, refused and failed steps), the analysts' ticks and notes, the status history, who closed it
 * and why; and a Thai report without English labels.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlaybook } from "../playbook/index.js";
import { renderReport } from "./render.js";
import { incidentFrom, realisticFindings } from "./test-helpers/incident.js";
import { CLOSE_REASON, approvalsOf, closedIncident, historyOf, notesOf, responsePlan, stepRunsOf } from "./test-helpers/response.js";
import { buildReportView } from "./view.js";

const playbook = loadPlaybook("PB-31");
const now = new Date("2026-11-21T08:00:00Z");
const findings = realisticFindings();
const incident = closedIncident(incidentFrom(findings));
const plan = responsePlan(incident.id);
const work = { notes: notesOf(incident.id), history: historyOf(incident.id), plans: [plan], approvals: approvalsOf(plan), stepRuns: stepRunsOf(plan) };

async function md(lang: "en" | "th"): Promise<string> {
  return (await renderReport(incident, findings, { lang, format: "md", playbook, now, ...work })) as string;
}

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `section ${heading}`);
  const end = text.indexOf("\n## ", start + 4);
  return text.slice(start, end < 0 ? undefined : end);
}

test("closed incident (en): steps with verification, approval, notes, history, who closed it and why", async () => {
  const text = await md("en");
  const summary = section(text, "Executive summary");
  assert.match(summary, /Money at stake: \$97\.92\/hour while it runs/);
  assert.match(summary, /Done so far: 3 response step\(s\) carried out, 1 checklist item\(s\) ticked by analysts, 2 note\(s\)\./);
  assert.match(summary, new RegExp(`Closed by wichai at 2026-11-21 07:00:00Z\\. Reason: ${CLOSE_REASON.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  assert.match(summary, /\| \*\*Status\*\* \| Closed \|/);
  assert.match(summary, /\| \*\*Close reason\*\* \| Miner removed, keys rotated/);

  const done = section(text, "What was done");
  assert.match(done, /Plan plan-7f3a9c2e \(preserve evidence first\), made by somchai at 2026-11-20 06:05:00Z: 5 step\(s\), \$97\.92\/hour at stake\. Approved by wichai at 2026-11-20 06:07:30Z: Four-eyes/);
  assert.match(done, /- Not reached: aws:ap-southeast-1 \(AccessDenied on ec2:DescribeInstances\)/);
  assert.match(done, /\| 1 \| <code>kill-process<\/code> \| build-01\.corp\.example\.com: pid 48213 \(xmrig\) \| 2\\\. Containment: Kill the mining process \| executed and verified \| 2026-11-20 06:10:05Z, somchai \| state=gone, checkedWith=ps -p 48213 \|/);
  assert.match(done, /\| 3 \| <code>stop-instance<\/code> \| instance i-0a1b2c3d4e5f60718 \| .* \| executed and verified \| 2026-11-20 06:20:00Z, somchai \| state=stopped \|/);
  assert.match(done, /\| 4 \| <code>disable-access-key<\/code> \| .* \| failed \| 2026-11-20 06:21:00Z, somchai \| error: AccessDenied: iam:UpdateAccessKey \|/);
  assert.match(done, /\| 5 \| <code>kill-process<\/code> \| process 1 \| {2}\| refused \| {2}\| refused: PID 1 is protected \|/);
  assert.match(done, /\*\*Checklist items done by analysts\*\*/);
  assert.match(done, /\| 2\\\. Containment: Kill the mining process \| somchai \| 2026-11-20 06:25:00Z \| pid 48213 killed, binary kept as evidence \|/);
  assert.match(done, /\| 2026-11-20 06:30:00Z \| somchai \| xmrig ran as jenkins from \/tmp\/\.X11-unix; cron entry removed by hand \|/);
  assert.match(done, /\| 2026-11-20 09:00:00Z \| wichai \| Key AKIAIOSFODNN7EXAMPLE disabled/);
  assert.match(done, /\| 2026-11-20 06:26:00Z \| somchai \| status Open → Contained \|/);
  assert.match(done, /\| 2026-11-20 05:30:00Z \| somchai \| assigned to somchai \|/);
  assert.match(done, /\| \*\*Closed by\*\* \| wichai \(2026-11-21 07:00:00Z\) \|/);
  assert.doesNotMatch(done, /None yet/);
  const checklist = section(text, "Playbook checklist");
  assert.match(checklist, /\| 1 \| Kill the mining process \| EDR \/ SSH \| kill-process, delete-workload \| ☑ \| analyst somchai \(2026-11-20 06:25:00Z\): pid 48213 killed/);
});

test("closed incident (th): the same work in Thai", async () => {
  const text = await md("th");
  const summary = section(text, "บทสรุปสำหรับผู้บริหาร");
  assert.match(summary, /ปิดโดย wichai เมื่อ 2026-11-21 07:00:00Z เหตุผล: Miner removed/);
  assert.match(summary, /\| \*\*สถานะ\*\* \| ปิดแล้ว \|/);
  const done = section(text, "สิ่งที่ดำเนินการแล้ว");
  assert.match(done, /แผน plan-7f3a9c2e \(เก็บหลักฐานก่อน\) สร้างโดย somchai/);
  assert.match(done, /อนุมัติโดย wichai เมื่อ 2026-11-20 06:07:30Z/);
  assert.match(done, /\| ดำเนินการและตรวจยืนยันแล้ว \|/);
  assert.match(done, /\| ล้มเหลว \| .* \| ข้อผิดพลาด: AccessDenied/);
  assert.match(done, /\| ปฏิเสธ \| {2}\| ปฏิเสธ: PID 1 ได้รับการป้องกัน \|/);
  assert.match(done, /\*\*บันทึก\*\*/);
  assert.match(done, /xmrig ran as jenkins/);
  assert.match(done, /\| สถานะ เปิด → ควบคุมแล้ว \|/);
  assert.match(done, /\| \*\*เหตุผลที่ปิด\*\* \| Miner removed/);
});

test("a void approval (the plan changed after it) is said to be void; dry runs are marked", async () => {
  const changed = { ...plan, hash: "0".repeat(64) };
  const runs = [{ planId: plan.id, stepId: plan.steps[0]!.id, status: "planned" as const, at: "2026-11-20T06:06:00Z", by: "somchai", dryRun: true }];
  const text = (await renderReport(incident, findings, { lang: "en", format: "md", playbook, now, plans: [changed], approvals: approvalsOf(plan), stepRuns: runs })) as string;
  assert.match(text, /The approval by wichai at 2026-11-20 06:07:30Z is void: the plan changed after it was approved\./);
  assert.match(text, /\| planned \(dry run\) \|/);
  assert.match(section(text, "Executive summary"), /Done so far: 0 response step\(s\) carried out/);
});

test("the Thai report has no English-only label: every title, header, caption and key has Thai in it", () => {
  const view = buildReportView(incident, findings, { lang: "th", playbook, now, ...work });
  const thai = /[\u0E00-\u0E7F]/;
  const labels: string[] = [];
  for (const s of view.sections) {
    labels.push(s.title);
    for (const b of s.blocks) {
      if (b.kind === "table") labels.push(...b.headers.filter((h) => h !== "#"), ...(b.caption ? [b.caption] : []));
      if (b.kind === "keyValue") labels.push(...b.rows.map(([k]) => k));
    }
  }
  const english = labels.filter((l) => !thai.test(l));
  assert.deepEqual(english, [], `labels without Thai: ${english.join(" | ")}`);
  assert.ok(labels.length > 60, `${labels.length} labels checked`);
});

test("many plans (re-planned): the latest three in full, the rest counted", async () => {
  const plans = Array.from({ length: 5 }, (_, i) => ({ ...plan, id: `plan-${i}`, createdAt: `2026-11-20T0${i}:00:00Z` }));
  const text = (await renderReport(incident, findings, { lang: "en", format: "md", playbook, now, plans })) as string;
  const done = section(text, "What was done");
  assert.deepEqual([...done.matchAll(/Plan (plan-\d)/g)].map((m) => m[1]), ["plan-2", "plan-3", "plan-4"]);
  assert.match(done, /3 of 5 shown\./);
});
