/**
 * Cross-check with libevtx's `evtxexport` (Debian package libevtx-utils): same number of records, and
 * per record the same event id, computer, provider and EventData strings, on the shared samples and on
 * files the test builder writes. Skipped with a message when evtxexport is not installed, except in CI
 * (CI=true), where .ci/run installs it and its absence is a failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Event } from "../../model/index.js";
import { inCi, parseFileWith, sharedFixture } from "../../test-helpers/index.js";
import { evtxSource } from "./evtx-source.js";
import { buildEvtx, sysmonEvent } from "./test-helpers/evtx-builder.js";
import { minerScenario } from "./test-helpers/miner-scenario.js";

interface Exported {
  eventId: number;
  computer: string;
  source: string;
  strings: string[];
}

function evtxexportAvailable(): boolean {
  return spawnSync("evtxexport", ["-V"], { encoding: "utf8" }).status === 0;
}

/** Parse evtxexport's default text output ("Event number : 1", "String: 3 : value", ...). */
function runEvtxexport(path: string): Exported[] {
  const r = spawnSync("evtxexport", [path], { encoding: "utf8", maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const out: Exported[] = [];
  let cur: Exported | undefined;
  for (const line of r.stdout.split(/\r?\n/)) {
    // A multi-line value goes on over lines that start with tabs.
    if (line.startsWith("\t") && cur && cur.strings.length > 0) { cur.strings[cur.strings.length - 1] += `\n${line.trim()}`; continue; }
    const m = /^([^\t]+)\t+: ?(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === "Event number") { cur = { eventId: -1, computer: "", source: "", strings: [] }; out.push(cur); continue; }
    if (!cur) continue;
    if (key === "Event identifier") cur.eventId = Number(/\((\d+)\)/.exec(value)?.[1]);
    else if (key === "Computer name") cur.computer = value;
    else if (key === "Source name") cur.source = value;
    else if (key.startsWith("String: ")) cur.strings.push(value);
  }
  return out;
}

/** Padding, case and line breaks are presentation: evtxexport pads hex to 16 digits and indents continued lines. */
function normal(v: string): string {
  if (/^0x[0-9a-f]+$/i.test(v)) return `0x${BigInt(v).toString(16)}`;
  return v.toUpperCase().replace(/\s+/g, " ").trim();
}

function dataValues(e: Event): string[] {
  return Object.keys(e).filter((k) => k.startsWith("winlog.event_data.")).map((k) => {
    const v = e[k];
    return Array.isArray(v) ? v.join(",") : String(v);
  });
}

async function compare(path: string): Promise<number> {
  const theirs = runEvtxexport(path);
  const ours = (await parseFileWith(evtxSource, path)).events;
  assert.equal(ours.length, theirs.length, `${path}: record count`);
  let values = 0;
  ours.forEach((e, i) => {
    const t = theirs[i]!;
    assert.equal(e["winlog.event_id"], t.eventId, `${path} #${i + 1} event id`);
    assert.equal(e["host.name"], t.computer, `${path} #${i + 1} computer`);
    assert.equal(e["winlog.provider_name"], t.source, `${path} #${i + 1} provider`);
    const mine = dataValues(e);
    assert.equal(mine.length, t.strings.length, `${path} #${i + 1} number of strings`);
    mine.forEach((v, j) => { assert.equal(normal(v), normal(t.strings[j]!), `${path} #${i + 1} string ${j + 1}`); values++; });
  });
  return values;
}

test("record count and EventData agree with evtxexport (libevtx) on the shared samples and on built files", async (t) => {
  if (!evtxexportAvailable()) {
    if (inCi()) assert.fail("evtxexport is missing: .ci/run installs libevtx-utils");
    t.skip("evtxexport not installed (apt-get install libevtx-utils); the libevtx cross-check is skipped");
    return;
  }
  let values = 0;
  for (const name of ["omerbenamram-evtx-sysmon.evtx", "evtx-attack-samples-Sysmon_UACME_64.evtx", "evtx-attack-samples-tunna_sysmon_3.evtx",
    "evtx-attack-samples-tutto_malseclogon-4688.evtx", "sigmahq-sysmon1-curl-download-direct-ip.evtx"]) {
    const path = sharedFixture(t, `evtx/${name}`);
    if (!path) return;
    values += await compare(path);
  }
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-evtxexport-"));
  const built = join(dir, "built.evtx");
  const many = Array.from({ length: 400 }, (_, i) => sysmonEvent(11, `HOST-${i % 3}`, new Date(Date.UTC(2026, 10, 20, 0, 0, i)), [
    ["RuleName", "-"], ["ProcessId", { type: "uint32", value: i }], ["Image", `C:\\x\\${i}.exe`], ["TargetFilename", `C:\\Users\\Public\\f${i}.dat`]]));
  writeFileSync(built, buildEvtx([...minerScenario(), ...many]));
  values += await compare(built);
  assert.ok(values > 10000, `${values} values compared`);
});
