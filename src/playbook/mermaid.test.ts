import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPlaybook, parsePlaybook } from "./load.js";
import { toMermaid } from "./mermaid.js";

const pb = loadPlaybook("PB-31");
const graph = (id: string) => pb.graphs.find((g) => g.id === id)!;

test("flowchart in Thai and English: nodes with icons, quoted edge labels, the seed's colours", () => {
  const th = toMermaid(graph("detection"), "th").split("\n");
  assert.equal(th[0], "flowchart TD");
  assert.ok(th.includes(`  Detect["🔍 ตรวจจับ"]`));
  assert.ok(th.includes(`  Source{"📍 แหล่ง?"}`));
  assert.ok(th.includes(`  Source -->|"Network → Mining Pool"| Net`));
  assert.ok(th.includes("  style Kill fill:#e74c3c,color:#fff"));
  const en = toMermaid(graph("decision"), "en");
  assert.match(en, /Env\{"☁️ Environment\?"\}/);
  assert.match(en, /Env -->\|"Cloud \(AWS\/Azure\/GCP\)"\| Cloud/);
});

test("a highlighted path: its nodes and only its edges are marked", () => {
  const text = toMermaid(graph("decision"), "en", { highlight: ["Alert", "Env", "OnPrem", "Scope", "Single"] }).split("\n");
  assert.ok(text.includes("  class Alert,Env,OnPrem,Scope,Single onPath"));
  assert.ok(text.includes("  class Cloud,Multi,IAM offPath"));
  // Edge order in the file: Alert>Env 0, Env>Cloud 1, Env>OnPrem 2, Cloud>Scope 3, OnPrem>Scope 4, Scope>Single 5, Scope>Multi 6, Multi>IAM 7
  assert.ok(text.includes("  linkStyle 0,2,4,5 stroke:#c0392b,stroke-width:3px"));
  const plain = toMermaid(graph("decision"), "en");
  assert.doesNotMatch(plain, /onPath|linkStyle/);
});

test("sequence diagrams keep participants' aliases and arrows", () => {
  const text = toMermaid(graph("cloud-eradication"), "th").split("\n");
  assert.deepEqual(text.slice(0, 4), ["sequenceDiagram", "  participant SOC", "  participant Cloud as AWS/Azure/GCP", "  participant Finance"]);
  assert.ok(text.includes("  Cloud-->>SOC: พบ instances ใน 3 regions"));
});

test("labels cannot break out of their quotes or lines", () => {
  const odd = parsePlaybook([
    "schemaVersion: 1", "id: PB-90", "name: { th: x, en: x }", "severity: low", "severityLabel: { th: x, en: x }",
    "category: { th: x, en: x }", "mitre: [{ technique: T1496, name: x, tactic: TA0040, tacticName: x }]",
    "graphs:",
    "  - id: g", "    type: flowchart", "    direction: LR", "    title: { th: x, en: x }",
    "    nodes:",
    "      - { id: A, shape: box, label: { th: 'a\"] --> B[\"<b>x</b> #1', en: 'a' } }",
    "      - { id: B, shape: box, label: { th: b, en: b } }",
    "    edges: [{ from: A, to: B, label: { th: 'x|\"y', en: 'x' } }]",
    "  - id: s", "    type: sequence", "    title: { th: x, en: x }", "    participants: [{ id: P }]",
    "    messages: [{ from: P, to: P, arrow: '->>', text: { th: \"a;b\\nP->>P: injected #x\", en: x } }]",
  ].join("\n"), "pb-90.yaml");
  const flow = toMermaid(odd.graphs[0]!, "th");
  assert.ok(flow.includes(`  A["a#34;] --#62; B[#34;#60;b#62;x#60;/b#62; #35;1"]`), flow);
  assert.ok(flow.includes(`  A -->|"x#124;#34;y"| B`), flow);
  const seq = toMermaid(odd.graphs[1]!, "th").split("\n");
  assert.equal(seq.length, 3, "the newline did not start a new message");
  assert.equal(seq[2], "  P->>P: a#59;b P-#62;#62;P: injected #35;x");
});
