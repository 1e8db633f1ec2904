/**
 * playbooks/pb-31.yaml against the seed it was written from (../shared/seed/PB-31-cryptomining.th.txt):
 * every table row, every diagram node, edge, colour and message, the header and the region sweep.
 * The seed is parsed here, so the test fails as soon as the YAML drifts from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { SHARED_DIR, skipOrFailInCi } from "../test-helpers/index.js";
import { loadPlaybook } from "./load.js";
import type { Flowchart, Playbook, SequenceGraph } from "./schema.js";

const SEED = join(SHARED_DIR, "seed", "PB-31-cryptomining.th.txt");

function seedLines(t: TestContext): string[] | undefined {
  if (!existsSync(SEED)) {
    skipOrFailInCi(t, `seed playbook missing: ${SEED} (set MINERHUNT_SHARED to the shared/ folder)`);
    return undefined;
  }
  return readFileSync(SEED, "utf8").split("\n").map((l) => l.replace(/\r$/, ""));
}

interface SeedTable { heading: string; header: string[]; rows: string[][] }

/**
 * The seed's tables are flattened one cell per line: "| first |" opens a row, "next |" lines add
 * cells. The line before the first row is the table's heading.
 */
function parseTables(lines: readonly string[]): SeedTable[] {
  const tables: SeedTable[] = [];
  let current: SeedTable | undefined;
  let row: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.startsWith("| ") && line.endsWith(" |")) {
      if (!current) { current = { heading: lines[i - 1] ?? "", header: [], rows: [] }; tables.push(current); }
      row = [line.slice(2, -2)];
      if (current.header.length === 0 && current.rows.length === 0) current.header = row;
      else current.rows.push(row);
    } else if (current && row && line.endsWith(" |") && !line.startsWith("|")) {
      row.push(line.slice(0, -2));
    } else {
      current = undefined;
      row = undefined;
    }
  }
  return tables;
}

function table(lines: readonly string[], heading: string): SeedTable {
  const found = parseTables(lines).find((tb) => tb.heading === heading);
  assert.ok(found, `seed has a table under "${heading}"`);
  return found;
}

interface SeedGraph {
  heading: string;
  kind: string;
  nodes: Map<string, { shape: "box" | "decision"; text: string }>;
  edges: { from: string; to: string; label?: string }[];
  styles: Map<string, { fill: string; color: string }>;
  participants: { id: string; label?: string }[];
  messages: { from: string; arrow: string; to: string; text: string }[];
}

const NODE = String.raw`(\w+)(?:\["(.*?)"\]|\{"(.*?)"\})?`;
const EDGE_LINE = new RegExp(`^${NODE}\\s*-->(?:\\|(.*?)\\|)?\\s*${NODE}$`);

function parseGraphs(lines: readonly string[]): SeedGraph[] {
  const graphs: SeedGraph[] = [];
  for (let i = 0; i < lines.length; i++) {
    const kind = lines[i] ?? "";
    if (kind !== "graph TD" && kind !== "graph LR" && kind !== "sequenceDiagram") continue;
    const g: SeedGraph = { heading: lines[i - 1] ?? "", kind, nodes: new Map(), edges: [], styles: new Map(), participants: [], messages: [] };
    graphs.push(g);
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? "";
      const edge = EDGE_LINE.exec(line);
      const style = /^style (\w+) fill:(#\w+),color:(#\w+)$/.exec(line);
      const participant = /^participant (\w+)(?: as (.+))?$/.exec(line);
      const message = /^(\w+)(-{1,2}>>)(\w+): (.*)$/.exec(line);
      if (edge) {
        const [, a, aBox, aDec, label, b, bBox, bDec] = edge;
        for (const [id, box, dec] of [[a, aBox, aDec], [b, bBox, bDec]] as const) {
          if (box !== undefined) g.nodes.set(id!, { shape: "box", text: box });
          if (dec !== undefined) g.nodes.set(id!, { shape: "decision", text: dec });
        }
        g.edges.push(label !== undefined ? { from: a!, to: b!, label } : { from: a!, to: b! });
      } else if (style) g.styles.set(style[1]!, { fill: style[2]!, color: style[3]! });
      else if (participant) g.participants.push(participant[2] ? { id: participant[1]!, label: participant[2] } : { id: participant[1]! });
      else if (message) g.messages.push({ from: message[1]!, arrow: message[2]!, to: message[3]!, text: message[4]! });
      else break;
    }
  }
  return graphs;
}

function yamlGraph(pb: Playbook, id: string) {
  const g = pb.graphs.find((x) => x.id === id);
  assert.ok(g, `playbook has graph ${id}`);
  return g;
}

function compareFlowchart(seed: SeedGraph, g: Flowchart): void {
  assert.equal(`graph ${g.direction}`, seed.kind, `${g.id}: direction`);
  assert.equal(g.title.th, seed.heading, `${g.id}: title is the seed heading`);
  assert.deepEqual(g.nodes.map((n) => n.id).sort(), [...seed.nodes.keys()].sort(), `${g.id}: node ids`);
  for (const n of g.nodes) {
    const s = seed.nodes.get(n.id)!;
    assert.equal(n.shape, s.shape, `${g.id}.${n.id}: shape`);
    assert.equal(`${n.icon} ${n.label.th}`, s.text, `${g.id}.${n.id}: Thai label`);
    const style = seed.styles.get(n.id);
    assert.deepEqual(n.style, style, `${g.id}.${n.id}: colours`);
  }
  assert.deepEqual(
    g.edges.map((e) => (e.label ? { from: e.from, to: e.to, label: e.label.th } : { from: e.from, to: e.to })),
    seed.edges, `${g.id}: edges and their Thai labels`);
}

function compareSequence(seed: SeedGraph, g: SequenceGraph): void {
  assert.equal(seed.kind, "sequenceDiagram");
  assert.equal(g.title.th, seed.heading, `${g.id}: title is the seed heading`);
  assert.deepEqual(g.participants, seed.participants, `${g.id}: participants`);
  assert.deepEqual(g.messages.map((m) => ({ from: m.from, arrow: m.arrow, to: m.to, text: m.text.th })), seed.messages, `${g.id}: messages`);
}

test("header: id, name, severity, category, MITRE and triggers are the seed's", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  assert.equal(lines[0], `Playbook: ${pb.name.en} / ${pb.name.th}`);
  assert.equal(lines[1], `ID: ${pb.id}`);
  assert.equal(lines[2], `ระดับความรุนแรง: ${pb.severityLabel.th} | หมวดหมู่: ${pb.category.th}`);
  assert.equal(pb.severity, "high");
  const m = pb.mitre[0]!;
  assert.equal(lines[3], `MITRE ATT&CK: ${m.technique} (${m.name})`);
  assert.equal(lines[4], `ทริกเกอร์: ${pb.triggers.map((x) => x.text.th).join(", ")}`);
});

test("1.1 known binaries: 6 rows, same names, kinds and coins", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const tb = table(lines, "1.1 Mining Binaries ที่รู้จัก");
  assert.deepEqual(tb.header, ["Binary", "ลักษณะ", "Coin"]);
  assert.equal(tb.rows.length, 6);
  assert.equal(pb.knownBinaries.length, 6);
  assert.deepEqual(pb.knownBinaries.map((b) => [b.name, b.kind.th, b.coin.th]), tb.rows);
});

test("1.2 pool indicators: rows, the 5 ports, the Stratum scheme and DNS prefixes", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pools = loadPlaybook("PB-31").poolIndicators!;
  const tb = table(lines, "1.2 ตัวบ่งชี้ Mining Pool");
  assert.deepEqual(pools.rows.map((r) => [r.indicator.th, r.value.th]), tb.rows);
  const portCell = tb.rows.find((r) => r[0] === "Destination port")![1]!;
  assert.deepEqual(pools.ports, portCell.split(", ").map(Number));
  assert.equal(pools.ports.length, 5);
  const protoCell = tb.rows.find((r) => r[0] === "Protocol")![1]!;
  for (const s of pools.schemes) assert.ok(protoCell.includes(s), `${s} in "${protoCell}"`);
  const dnsCell = tb.rows.find((r) => r[0] === "DNS queries")![1]!;
  assert.deepEqual(pools.dnsPrefixes, dnsCell.replace(/\*$/, "").split(", "));
});

test("1.3 analysis checklist: 8 items with how-to-check, in the seed's order", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const tb = table(lines, "1.3 รายการตรวจสอบ");
  assert.deepEqual(tb.header, ["รายการ", "วิธีตรวจสอบ", "เสร็จ"]);
  assert.equal(tb.rows.length, 8);
  assert.equal(pb.analysis.length, 8);
  assert.deepEqual(pb.analysis.map((i) => [i.text.th, i.how.th, "☐"]), tb.rows);
});

test("2.1 containment: 5 items with tools; each names a response action", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const tb = table(lines, "2.1 การดำเนินการทันที");
  assert.equal(tb.rows.length, 5);
  assert.equal(pb.containment.length, 5);
  assert.deepEqual(pb.containment.map((i, n) => [String(n + 1), i.text.th, i.tools?.th, "☐"]), tb.rows);
  for (const i of pb.containment) assert.ok(i.actions.length > 0, `${i.id} maps to a response action`);
});

test("2.2 the every-region AWS sweep is the seed's command", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const sweep = loadPlaybook("PB-31").regionSweep!;
  assert.equal(lines[lines.indexOf("2.2 คลาวด์ — ตรวจทุก Region")], `2.2 ${sweep.title.th}`);
  const cmd = sweep.commands[0]!;
  const start = lines.indexOf(`# ${cmd.comment.th}`);
  assert.ok(start > 0, "seed has the sweep comment line");
  const end = lines.indexOf("done", start);
  assert.equal(cmd.shell.trimEnd(), lines.slice(start + 1, end + 1).join("\n"));
});

for (const [heading, phase] of [["3. การกำจัด", "eradication"], ["4. การฟื้นฟู", "recovery"]] as const) {
  test(`${heading}: 5 ${phase} items, each naming response actions`, (t) => {
    const lines = seedLines(t);
    if (!lines) return;
    const items = loadPlaybook("PB-31")[phase];
    const tb = table(lines, heading);
    assert.equal(tb.rows.length, 5);
    assert.equal(items.length, 5);
    assert.deepEqual(items.map((i, n) => [String(n + 1), i.text.th, "☐"]), tb.rows);
    for (const i of items) assert.ok(i.actions.length > 0, `${i.id} maps to a response action`);
  });
}

test("5. escalation criteria: 5 rules, targets, PB-16 and PB-32 hand-offs", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const tb = table(lines, "5. เกณฑ์การยกระดับ");
  assert.deepEqual(tb.header, ["เงื่อนไข", "ยกระดับไปยัง"]);
  assert.equal(tb.rows.length, 5);
  assert.deepEqual(pb.escalations.map((e) => [e.text.th, e.target.th]), tb.rows);
  for (const e of pb.escalations) {
    const named = /^(PB-\d+)/.exec(e.target.th)?.[1];
    assert.equal(e.playbook, named, `${e.id}: hand-off playbook matches its target`);
  }
  assert.deepEqual(pb.escalations.flatMap((e) => (e.playbook ? [e.playbook] : [])).sort(), ["PB-16", "PB-32"]);
});

test("detection indicators (4) and resource impact table (4) are the seed's", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const ind = table(lines, "Cryptomining Detection Indicators");
  assert.equal(ind.rows.length, 4);
  assert.deepEqual(pb.indicators.map((i) => [i.indicator.th, i.source.th, i.threshold.th]), ind.rows);
  const imp = table(lines, "Resource Impact Assessment");
  assert.equal(imp.rows.length, 4);
  assert.deepEqual(pb.impact!.rows.map((r) => [r.text.th, r.impact.th, r.priority]), imp.rows);
  assert.deepEqual(pb.impact!.rows.map((r) => r.hostType), ["production", "cloud-instance", "workstation", "dev-test"]);
});

test("diagrams: detection flow, decision tree and pool detection match node for node, with colours", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const seed = parseGraphs(lines);
  assert.equal(seed.length, 5, "the seed has five diagrams");
  const byHeading = (h: string) => seed.find((g) => g.heading === h)!;
  compareFlowchart(byHeading("ผังการตรวจจับ Cryptomining"), yamlGraph(pb, "detection") as Flowchart);
  compareFlowchart(byHeading("ผังการตัดสินใจ"), yamlGraph(pb, "decision") as Flowchart);
  compareFlowchart(byHeading("ผัง Mining Pool Detection"), yamlGraph(pb, "pool-detection") as Flowchart);
});

test("diagrams: the cloud eradication and container security sequences match message for message", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const pb = loadPlaybook("PB-31");
  const seed = parseGraphs(lines);
  compareSequence(seed.find((g) => g.heading === "ผังขั้นตอนกำจัดใน Cloud")!, yamlGraph(pb, "cloud-eradication") as SequenceGraph);
  compareSequence(seed.find((g) => g.heading === "ผัง Container Security")!, yamlGraph(pb, "container-security") as SequenceGraph);
});

test("the seed parser itself finds every table (so a silent parser cannot pass the tests above)", (t) => {
  const lines = seedLines(t);
  if (!lines) return;
  const headings = parseTables(lines).map((tb) => tb.heading);
  assert.deepEqual(headings, [
    "1.1 Mining Binaries ที่รู้จัก", "1.2 ตัวบ่งชี้ Mining Pool", "1.3 รายการตรวจสอบ", "2.1 การดำเนินการทันที",
    "3. การกำจัด", "4. การฟื้นฟู", "5. เกณฑ์การยกระดับ", "Cryptomining Detection Indicators", "Resource Impact Assessment",
  ]);
});
