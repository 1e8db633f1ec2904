import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { openBuffer } from "../input.js";
import { allSources, chooseSource } from "../index.js";
import type { Event } from "../../model/index.js";
import { evtxSource } from "./evtx-source.js";
import { crc32 } from "./evtx/crc32.js";
import { buildEvtx, sysmonEvent, type BuildEvent } from "./test-helpers/evtx-builder.js";

const FIX = "evtx";

function countBy(events: Event[], key: (e: Event) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[key(e)] = (out[key(e)] ?? 0) + 1;
  return out;
}

/** The <Data Name=…> values of each event in a python-evtx XML export (a trusted fixture). */
function pythonEvtxData(xml: string): Map<string, string>[] {
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  return xml.split("<Event xmlns").slice(1).map((chunk) => {
    const m = new Map<string, string>();
    for (const d of chunk.matchAll(/<Data Name="([^"]*)">([^<]*)<\/Data>/g)) m.set(d[1]!, unescape(d[2]!));
    return m;
  });
}

/** python-evtx pads hex (0x0000000000053ca2) and writes GUIDs in lower case; Windows does neither. */
function normal(v: string): string {
  if (/^0x[0-9a-f]+$/i.test(v)) return `0x${BigInt(v).toString(16)}`;
  if (/^\{[0-9a-f-]{36}\}$/i.test(v)) return v.toLowerCase();
  if (v === "True" || v === "False") return v.toLowerCase(); // python prints booleans its own way
  return v;
}

test("reads every record of the shared EVTX samples, as many as their SOURCE.txt lists", async (t) => {
  const expected: Record<string, Record<string, number>> = {
    "omerbenamram-evtx-sysmon.evtx": { "1": 227, "10": 60, "11": 34, "13": 24, "12": 8, "3": 2, "15": 2, "16": 1 },
    "evtx-attack-samples-tunna_sysmon_3.evtx": { "3": 12 },
    "evtx-attack-samples-tutto_malseclogon-4688.evtx": { "4688": 6, "4624": 1, "4703": 2, "1": 3, "10": 3 },
    "sigmahq-sysmon1-curl-download-direct-ip.evtx": { "1": 1 },
  };
  for (const [name, ids] of Object.entries(expected)) {
    const path = sharedFixture(t, `${FIX}/${name}`);
    if (!path) return;
    const r = await parseFileWith(evtxSource, path);
    assert.deepEqual(r.issues, [], name);
    assert.deepEqual(countBy(r.events, (e) => String(e["event.code"])), ids, name);
  }
  const uacme = sharedFixture(t, `${FIX}/evtx-attack-samples-Sysmon_UACME_64.evtx`);
  if (!uacme) return;
  const r = await parseFileWith(evtxSource, uacme);
  assert.equal(r.events.length, 530);
  assert.equal(r.events.filter((e) => e["event.code"] === "22").length, 1);
});

test("EventData values equal python-evtx's export of the same files, record by record", async (t) => {
  for (const base of ["evtx-attack-samples-tunna_sysmon_3", "evtx-attack-samples-tutto_malseclogon-4688", "sigmahq-sysmon1-curl-download-direct-ip"]) {
    const evtx = sharedFixture(t, `${FIX}/${base}.evtx`);
    const xml = sharedFixture(t, `${FIX}/${base}.python-evtx.xml`);
    if (!evtx || !xml) return;
    const theirs = pythonEvtxData(readFileSync(xml, "utf8"));
    const ours = (await parseFileWith(evtxSource, evtx)).events;
    assert.equal(ours.length, theirs.length, base);
    let compared = 0;
    ours.forEach((e, i) => {
      for (const [name, value] of theirs[i]!) {
        assert.equal(normal(String(e[`winlog.event_data.${name}`] ?? "")), normal(value), `${base} record ${i + 1} ${name}`);
        compared++;
      }
    });
    assert.ok(compared > 10, `${base}: compared ${compared} values`);
  }
});

test("the SigmaHQ Sysmon 1 sample maps to ECS process fields as evtx_dump shows them", async (t) => {
  const evtx = sharedFixture(t, `${FIX}/sigmahq-sysmon1-curl-download-direct-ip.evtx`);
  const json = sharedFixture(t, `${FIX}/sigmahq-sysmon1-curl-download-direct-ip.evtx_dump.json`);
  if (!evtx || !json) return;
  const dump = JSON.parse(readFileSync(json, "utf8")) as { Event: { System: { Computer: string; EventRecordID: number; TimeCreated: { "#attributes": { SystemTime: string } } }; EventData: Record<string, string | number> } };
  const [e] = (await parseFileWith(evtxSource, evtx)).events;
  assert.ok(e);
  const d = dump.Event.EventData;
  assert.equal(e["event.dataset"], "windows.sysmon.process");
  assert.deepEqual(e["event.category"], ["process"]);
  assert.equal(e["host.name"], dump.Event.System.Computer);
  assert.equal(e["host.os.type"], "windows");
  assert.equal(e["winlog.record_id"], dump.Event.System.EventRecordID);
  assert.equal(e["@timestamp"], new Date(dump.Event.System.TimeCreated["#attributes"].SystemTime).toISOString());
  assert.equal(e["process.executable"], d.Image);
  assert.equal(e["process.name"], "curl.exe");
  assert.equal(e["process.command_line"], d.CommandLine);
  assert.equal(e["process.pid"], d.ProcessId);
  assert.equal(e["process.parent.executable"], d.ParentImage);
  assert.equal(e["process.parent.pid"], d.ParentProcessId);
  assert.equal(e["process.working_directory"], d.CurrentDirectory);
  assert.equal(e["user.name"], "xodih");
  assert.equal(e["user.domain"], "swachchhanda");
  assert.equal(e["process.hash.sha256"], "8955d2a45404a59c2e3772f3c76aeeae48aedf100be328c003d7a4df5342b491");
  assert.equal(e["process.pe.imphash"], "213443b550a6683661eb0cf00cf04681");
  assert.equal(e["winlog.event_data.LogonId"], d.LogonId);
  assert.equal(e["winlog.event_data.ProcessGuid"], `{${String(d.ProcessGuid)}}`);
  assert.equal(e["minerhunt.offset"], 4096 + 512);
});

test("Security 4688 maps NewProcessName, the parent and the ids; CommandLine when audited, left out when empty", async (t) => {
  const path = sharedFixture(t, `${FIX}/evtx-attack-samples-tutto_malseclogon-4688.evtx`);
  if (!path) return;
  const events = (await parseFileWith(evtxSource, path)).events.filter((e) => e["event.code"] === "4688");
  assert.equal(events.length, 6);
  for (const e of events) {
    assert.equal(e["event.dataset"], "windows.security.process");
    assert.deepEqual(e["event.category"], ["process"]);
    assert.equal(e["host.name"], "MSEDGEWIN10");
    // This host did not audit command lines: the field is there, empty, and not mapped.
    assert.equal(e["winlog.event_data.CommandLine"], "");
    assert.equal(e["process.command_line"], undefined);
  }
  const first = events[0]!;
  assert.equal(first["process.executable"], "\\Device\\Mup\\VBoxSvr\\Users\\bouss\\Downloads\\MalSeclogon-master\\x64\\Debug\\MalSeclogon.exe");
  assert.equal(first["process.name"], "MalSeclogon.exe");
  assert.equal(first["process.pid"], 0x21a4);
  assert.equal(first["process.parent.pid"], 0x2480);
  assert.equal(first["process.parent.executable"], "C:\\Windows\\System32\\cmd.exe");
  assert.equal(first["user.name"], "IEUser");

  // Where "Include command line in process creation events" is on, 4688 carries it.
  const audited = buildEvtx([{ provider: "Microsoft-Windows-Security-Auditing", providerGuid: "{54849625-5478-4994-A5BA-3E3B0328C30D}", eventId: 4688,
    channel: "Security", computer: "WS-FIN-07", time: T0, task: 13312, keywords: 0x8020000000000000n, data: [
      ["SubjectUserSid", { type: "sid", value: "S-1-5-21-1-2-3-1000" }], ["SubjectUserName", "alice"], ["SubjectDomainName", "CORP"],
      ["SubjectLogonId", { type: "hex64", value: 0x53ca2n }], ["NewProcessId", { type: "hex64", value: 0x21a4n }],
      ["NewProcessName", "C:\\Users\\alice\\AppData\\Local\\Temp\\xmrig.exe"], ["TokenElevationType", "%%1937"],
      ["ProcessId", { type: "hex64", value: 0x2480n }], ["CommandLine", "xmrig.exe -o pool.minexmr.com:4444 --donate-level=1"],
      ["ParentProcessName", "C:\\Windows\\System32\\cmd.exe"], ["MandatoryLabel", { type: "sid", value: "S-1-16-12288" }]] }]);
  const [a] = (await parseWith(evtxSource, audited, "sec.evtx")).events;
  assert.ok(a);
  assert.equal(a["process.command_line"], "xmrig.exe -o pool.minexmr.com:4444 --donate-level=1");
  assert.equal(a["process.pid"], 0x21a4);
  assert.equal(a["user.id"], "S-1-5-21-1-2-3-1000");
  assert.equal(a["user.domain"], "CORP");
  assert.equal(a["winlog.event_data.MandatoryLabel"], "S-1-16-12288");
});

test("Sysmon 3 and 22 from real files map to network and DNS fields", async (t) => {
  const net = sharedFixture(t, `${FIX}/evtx-attack-samples-tunna_sysmon_3.evtx`);
  const dns = sharedFixture(t, `${FIX}/evtx-attack-samples-Sysmon_UACME_64.evtx`);
  if (!net || !dns) return;
  const [c] = (await parseFileWith(evtxSource, net)).events;
  assert.ok(c);
  assert.equal(c["event.dataset"], "windows.sysmon.network");
  assert.equal(c["network.transport"], "tcp");
  assert.equal(typeof c["destination.port"], "number");
  assert.equal(c["destination.ip"], c["winlog.event_data.DestinationIp"]);
  assert.equal(c["process.executable"], c["winlog.event_data.Image"]);
  const q = (await parseFileWith(evtxSource, dns)).events.find((e) => e["event.code"] === "22");
  assert.ok(q);
  assert.equal(q["dns.question.name"], "wpad");
  assert.equal(q["dns.response_code"], "NXDOMAIN");
  assert.equal(q["dns.resolved_ip"], undefined);
  assert.equal(q["process.name"], "svchost.exe");
  assert.deepEqual(q["event.category"], ["network", "dns"]);
});

test("sniffed without --input-format, and not claimed by text sources", async (t) => {
  const path = sharedFixture(t, `${FIX}/sigmahq-sysmon1-curl-download-direct-ip.evtx`);
  if (!path) return;
  const { sample } = await openBuffer("x.evtx", readFileSync(path));
  assert.equal(chooseSource(sample, allSources).source?.id, "windows.evtx");
  assert.equal(await sniffWith(evtxSource, "ElfFile is a word\n"), 0);
});

const T0 = new Date("2026-11-20T03:14:07.123Z");

function manyEvents(n: number): BuildEvent[] {
  return Array.from({ length: n }, (_, i) => sysmonEvent(1, "WS-FIN-07", new Date(T0.getTime() + i * 1000), [
    ["RuleName", "-"], ["ProcessId", { type: "uint32", value: 1000 + i }], ["Image", `C:\\Windows\\System32\\tool${i}.exe`],
    ["CommandLine", `tool${i}.exe --index ${i} ${"x".repeat(200)}`], ["User", "WS-FIN-07\\alice"],
  ]));
}

test("every substitution value type a Sysmon or Security log uses renders as Windows shows it", async () => {
  const when = new Date("2026-11-20T03:14:07.5Z");
  const file = buildEvtx([sysmonEvent(1, "WS-1", T0, [
    ["Str", "text é ✓"], ["U8", { type: "uint8", value: 200 }], ["U16", { type: "uint16", value: 65000 }], ["U32", { type: "uint32", value: 4000000000 }],
    ["I32", { type: "int32", value: -5 }], ["U64", { type: "uint64", value: 18446744073709551615n }], ["H32", { type: "hex32", value: 0x2480 }],
    ["H64", { type: "hex64", value: 0x317fbn }], ["Bool", { type: "bool", value: true }], ["Guid", { type: "guid", value: "{0197231e-6c8f-693a-2613-000000000800}" }],
    ["Sid", { type: "sid", value: "S-1-5-21-3461203602-4096304019-2269080069-1000" }], ["Bin", { type: "binary", value: "00ff10" }],
    ["FileTime", { type: "filetime", value: when }], ["SysTime", { type: "systime", value: when }], ["List", { type: "strings", value: ["a", "b c"] }],
    ["Null", { type: "null" }],
  ])]);
  const r = await parseWith(evtxSource, file, "types.evtx");
  assert.deepEqual(r.issues, []);
  const e = r.events[0]!;
  const d = (n: string) => e[`winlog.event_data.${n}`];
  assert.equal(d("Str"), "text é ✓");
  assert.equal(d("U8"), "200");
  assert.equal(d("U16"), "65000");
  assert.equal(d("U32"), "4000000000");
  assert.equal(d("I32"), "-5");
  assert.equal(d("U64"), "18446744073709551615");
  assert.equal(d("H32"), "0x2480");
  assert.equal(d("H64"), "0x317fb");
  assert.equal(d("Bool"), "true");
  assert.equal(d("Guid"), "{0197231E-6C8F-693A-2613-000000000800}");
  assert.equal(d("Sid"), "S-1-5-21-3461203602-4096304019-2269080069-1000");
  assert.equal(d("Bin"), "00FF10");
  assert.equal(d("FileTime"), "2026-11-20T03:14:07.5000000Z");
  assert.equal(d("SysTime"), "2026-11-20T03:14:07.500Z");
  assert.deepEqual(d("List"), ["a", "b c"]);
  assert.equal(d("Null"), "");
  assert.equal(e["winlog.user.identifier"], "S-1-5-18");
  assert.equal(e["@timestamp"], T0.toISOString());
});

test("templates are shared across records and chunks: a 3-chunk file reads back whole", async () => {
  const file = buildEvtx(manyEvents(600));
  assert.ok(file.length >= 4096 + 3 * 65536, `${file.length} bytes`);
  const r = await parseWith(evtxSource, file, "many.evtx");
  assert.deepEqual(r.issues, []);
  assert.equal(r.events.length, 600);
  assert.equal(r.events[599]!["process.command_line"], `tool599.exe --index 599 ${"x".repeat(200)}`);
  assert.equal(r.events[599]!["winlog.record_id"], 600);
});

test("a gzipped EVTX is read like the file itself", async () => {
  const file = buildEvtx(manyEvents(300));
  const r = await parseWith(evtxSource, gzipSync(file), "Security.evtx.gz");
  assert.deepEqual(r.issues, []);
  assert.equal(r.events.length, 300);
});

function chunkCount(file: Buffer): number {
  return (file.length - 4096) / 65536;
}

test("a damaged chunk is reported with its file offset and skipped; the other chunks are read", async () => {
  const file = buildEvtx(manyEvents(600));
  const chunks = chunkCount(file);
  const good = await parseWith(evtxSource, file, "good.evtx");
  const inChunk1 = good.events.filter((e) => (e["minerhunt.offset"] as number) >= 4096 + 65536 && (e["minerhunt.offset"] as number) < 4096 + 2 * 65536).length;
  assert.ok(chunks >= 3 && inChunk1 > 0);

  const dir = mkdtempSync(join(tmpdir(), "minerhunt-evtx-"));
  const damaged = Buffer.from(file);
  damaged[4096 + 65536 + 5000]! ^= 0xff; // a record byte in chunk 1: the records checksum no longer matches
  const path = join(dir, "damaged.evtx");
  writeFileSync(path, damaged);
  const r = await parseFileWith(evtxSource, path);
  assert.equal(r.events.length, 600 - inChunk1);
  assert.equal(r.issues.length, 1);
  assert.equal(r.issues[0]!.offset, 4096 + 65536);
  assert.equal(r.issues[0]!.file, path);
  assert.match(r.issues[0]!.message, /chunk 1 at offset 69632: chunk records checksum \(CRC-32\) does not match; chunk skipped/);

  const badHeader = Buffer.from(file);
  badHeader[4096 + 2 * 65536 + 20]! ^= 0x01; // chunk 2's header
  const h = await parseWith(evtxSource, badHeader, "h.evtx");
  assert.match(h.issues[0]!.message, /chunk 2 .*header checksum/);
  assert.ok(h.events.length < 600 && h.events.length > 0);
});

test("a real Sysmon log with a flipped byte: that chunk is reported, the other eight are read", async (t) => {
  const path = sharedFixture(t, `${FIX}/omerbenamram-evtx-sysmon.evtx`);
  if (!path) return;
  const whole = (await parseFileWith(evtxSource, path)).events;
  const at = 4096 + 3 * 65536;
  const lost = whole.filter((e) => (e["minerhunt.offset"] as number) >= at && (e["minerhunt.offset"] as number) < at + 65536).length;
  const copy = Buffer.from(readFileSync(path));
  copy[at + 30000]! ^= 0x5a;
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-evtx-"));
  writeFileSync(join(dir, "sysmon.evtx"), copy);
  const r = await parseFileWith(evtxSource, join(dir, "sysmon.evtx"));
  assert.ok(lost > 0);
  assert.equal(r.events.length, whole.length - lost);
  assert.deepEqual(r.issues.map((i) => i.offset), [at]);
});

test("a file cut mid-chunk reads the whole chunks and reports the cut one", async () => {
  const file = buildEvtx(manyEvents(600));
  const cut = file.subarray(0, 4096 + 65536 + 1000);
  const r = await parseWith(evtxSource, cut, "cut.evtx");
  assert.ok(r.events.length > 0 && r.events.length < 600);
  assert.match(r.issues.at(-1)!.message, /cut short/);
  const tiny = await parseWith(evtxSource, file.subarray(0, 100), "tiny.evtx");
  assert.equal(tiny.events.length, 0);
  assert.match(tiny.issues[0]!.message, /shorter than the 4096-byte EVTX header/);
});

test("hostile BinXML (random bytes under valid checksums) is reported record by record, never thrown", async () => {
  const file = buildEvtx(manyEvents(40));
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  let reported = 0;
  for (let round = 0; round < 150; round++) {
    const f = Buffer.from(file);
    const free = f.readUInt32LE(4096 + 48);
    for (let k = 0; k < 4; k++) f[4096 + 512 + 24 + (rand() % (free - 512 - 24))] = rand() & 0xff;
    f.writeUInt32LE(crc32(f.subarray(4096 + 512, 4096 + free)), 4096 + 52);
    const r = await parseWith(evtxSource, f, "fuzz.evtx");
    assert.ok(r.events.length <= 40);
    reported += r.issues.length;
    for (const i of r.issues) assert.equal(typeof i.offset, "number");
  }
  assert.ok(reported > 0);
});
