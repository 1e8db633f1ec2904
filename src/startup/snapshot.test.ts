import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finishRecording, fromSnapshot, resetSnapshot, startRecording } from "./snapshot.js";
import { parseYamlDocs } from "../detect/sigma/yaml-docs.js";
import { loadRules, defaultRuleDirs } from "../detect/sigma/index.js";

/** Record what `run` looks up, write it as a snapshot file and make it the one read next. */
async function withSnapshot(run: () => unknown, use: () => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-snapshot-"));
  try {
    startRecording();
    await run();
    const file = join(dir, "snapshot.json");
    writeFileSync(file, finishRecording().json);
    resetSnapshot(file);
    await use();
  } finally {
    resetSnapshot();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a recorded value is handed back for the same kind and text, once; other text or kind is computed", async () => {
  const text = "pools: [pool.supportxmr.com]\n";
  await withSnapshot(() => fromSnapshot("t.pools", text, () => ({ pools: ["pool.supportxmr.com"] })), () => {
    let computed = 0;
    const compute = () => { computed++; return { pools: ["computed"] }; };
    assert.deepEqual(fromSnapshot("t.pools", text, compute), { pools: ["pool.supportxmr.com"] });
    assert.equal(computed, 0);
    // Handed out once: the first caller may have changed it.
    assert.deepEqual(fromSnapshot("t.pools", text, compute), { pools: ["computed"] });
    assert.deepEqual(fromSnapshot("t.pools", text + " ", compute), { pools: ["computed"] });
    assert.deepEqual(fromSnapshot("t.other", text, compute), { pools: ["computed"] });
    assert.equal(computed, 3);
  });
});

test("values that JSON would change are not recorded (they are computed at every start)", async () => {
  const kinds = ["t.date", "t.nan", "t.undefined", "t.map"];
  const values: unknown[] = [{ at: new Date(0) }, { n: Number.NaN }, { a: undefined }, { m: new Map([["a", 1]]) }];
  let refused: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-snapshot-"));
  try {
    startRecording();
    kinds.forEach((k, i) => fromSnapshot(k, "x", () => values[i]));
    fromSnapshot("t.plain", "x", () => ({ ok: [1, "two", null, true] }));
    const done = finishRecording();
    refused = done.refused;
    assert.equal(done.entries, 1);
    const file = join(dir, "snapshot.json");
    writeFileSync(file, done.json);
    resetSnapshot(file);
    assert.equal(fromSnapshot("t.date", "x", () => "computed"), "computed");
    assert.deepEqual(fromSnapshot("t.plain", "x", () => "computed"), { ok: [1, "two", null, true] });
  } finally {
    resetSnapshot();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(refused, kinds);
});

test("a missing or damaged snapshot file only means computing; MINERHUNT_SNAPSHOT=0 ignores a good one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-snapshot-"));
  try {
    resetSnapshot(join(dir, "absent.json"));
    assert.equal(fromSnapshot("t", "x", () => 1), 1);
    writeFileSync(join(dir, "bad.json"), "{\"format\": 1, \"entries\": ");
    resetSnapshot(join(dir, "bad.json"));
    assert.equal(fromSnapshot("t", "x", () => 2), 2);
    await withSnapshot(() => fromSnapshot("t", "x", () => "recorded"), () => {
      process.env.MINERHUNT_SNAPSHOT = "0";
      try {
        resetSnapshot(join(dir, "..", "unused"));
        assert.equal(fromSnapshot("t", "x", () => "computed"), "computed");
      } finally {
        delete process.env.MINERHUNT_SNAPSHOT;
      }
    });
  } finally {
    resetSnapshot();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a snapshot older than the code beside it (tsc run again without the snapshot step) is not used", async () => {
  await withSnapshot(() => fromSnapshot("t", "x", () => "recorded"), () => {
    assert.equal(fromSnapshot("t", "x", () => "computed"), "recorded");
  });
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-snapshot-"));
  try {
    startRecording();
    fromSnapshot("t", "x", () => "recorded");
    const file = join(dir, "snapshot.json");
    writeFileSync(file, finishRecording().json);
    utimesSync(file, new Date(0), new Date(0));
    resetSnapshot(file);
    assert.equal(fromSnapshot("t", "x", () => "computed"), "computed");
  } finally {
    resetSnapshot();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("rule documents from a snapshot give the same values and lines, deep paths included", async () => {
  const text = [
    "title: Stratum Login From A Process", // 1
    "id: 5b0a3a0e-6f43-4a8c-9d36-000000000001",
    "logsource:",
    "  category: network_connection",
    "detection:", // 5
    "  selection:",
    "    DestinationPort:",
    "      - 3333",
    "      - 14444",
    "  condition: selection", // 10
    "tests:",
    "  - event: { DestinationPort: 3333 }",
    "    match: true",
    "  - event: { DestinationPort: 80 }",
    "    match: false", // 15
    "---",
    "title: Second",
    "",
  ].join("\n");
  const fresh = parseYamlDocs(text);
  const paths: (string | number)[][] = [["tests", 0], ["tests", 1], ["detection", "condition"], ["title"], ["detection", "selection", "DestinationPort", 1], ["nope", "deeper"]];
  await withSnapshot(() => parseYamlDocs(text), () => {
    const snap = parseYamlDocs(text);
    assert.equal(snap.docs.length, 2);
    snap.docs.forEach((d, i) => {
      const f = fresh.docs[i]!;
      assert.deepEqual([d.index, d.line, d.value], [f.index, f.line, f.value]);
      for (const p of paths) assert.equal(d.lineOf(p), f.lineOf(p), `line of ${p.join(".")}`);
    });
    assert.equal(snap.docs[0]!.lineOf(["tests", 1]), 14);
    assert.equal(snap.docs[0]!.lineOf(["detection", "selection", "DestinationPort", 1]), 9);
  });
});

test("the PB-31 pack loads the same from a snapshot as from its YAML", async () => {
  const strip = (r: Awaited<ReturnType<typeof loadRules>>) => ({
    rules: r.rules.map((x) => JSON.stringify(x, (_k, v: unknown) => (typeof v === "function" ? "fn" : v))),
    refused: r.refused, warnings: r.warnings,
  });
  const fresh = strip(await loadRules(defaultRuleDirs()));
  await withSnapshot(() => loadRules(defaultRuleDirs()), async () => {
    assert.deepEqual(strip(await loadRules(defaultRuleDirs())), fresh);
  });
  assert.ok(fresh.rules.length > 10, "the pack has rules");
});

test("a scan's start takes intel, the playbook and the Sigma tables from the snapshot, and the checked loaders' values without one", async () => {
  const { loadIntel } = await import("../intel/load.js");
  const { loadIntelFast } = await import("../intel/load-fast.js");
  const { loadPlaybook, loadPlaybooks } = await import("../playbook/load.js");
  const { choosePlaybookFast } = await import("../playbook/load-fast.js");
  const { loadTables } = await import("../detect/sigma/tables.js");
  const { defaultTablesFast } = await import("../detect/sigma/tables-fast.js");
  const { dataDir } = await import("../detect/sigma/package-paths.js");
  const sigmaTables = () => loadTables(join(dataDir(), "fields.yaml"), join(dataDir(), "logsources.yaml"));
  const noImports = { importDirs: [] };

  // No snapshot (run from src/): the same values as the checked loaders.
  assert.deepEqual((await loadIntelFast(noImports)).stats(), loadIntel(noImports).stats());
  assert.deepEqual(await choosePlaybookFast("PB-31"), loadPlaybook("PB-31"));
  assert.deepEqual(await defaultTablesFast(), sigmaTables());

  // A snapshot whose values are marked: what the fast loaders return must carry the marks.
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-snapshot-"));
  try {
    startRecording();
    loadIntel(noImports);
    loadPlaybooks();
    sigmaTables();
    const file = join(dir, "snapshot.json");
    const recorded = JSON.parse(finishRecording().json) as { entries: Record<string, Record<string, unknown>> };
    const marked = new Set<string>();
    for (const [key, value] of Object.entries(recorded.entries)) {
      const kind = key.split("\0")[0]!;
      if (kind === "playbook" && value.id === "PB-31") value.name = { en: "from the snapshot", th: "from the snapshot" };
      else if (kind === "intel.pools") (value.pools as unknown[]).push({ domain: "snapshot-only.example", label: "marked" });
      else if (kind === "sigma.fields") (value.common as Record<string, string>)["MarkedField"] = "marked.field";
      else continue;
      marked.add(kind);
    }
    assert.deepEqual([...marked].sort(), ["intel.pools", "playbook", "sigma.fields"]);
    writeFileSync(file, JSON.stringify(recorded));
    resetSnapshot(file);
    assert.equal((await choosePlaybookFast("PB-31")).name.en, "from the snapshot");
    assert.equal((await loadIntelFast(noImports)).matchDomain("snapshot-only.example")?.label, "marked");
    assert.equal((await defaultTablesFast()).fields.common["MarkedField"], "marked.field");
    // Each entry is handed out once: the next load checks the files again.
    assert.equal((await choosePlaybookFast("PB-31")).name.en, loadPlaybook("PB-31").name.en);
  } finally {
    resetSnapshot();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a rule regex the snapshot vouches for is compiled when an event first reaches it; a refused one is refused as before", async () => {
  const { matcher, refusal, ruleText } = await import("../detect/sigma/test-helpers/index.js");
  const { regexesCompiled } = await import("../detect/sigma/regex.js");
  const detection = "sel:\n  CommandLine|re: '--(pool|server)[ =][^ ]+:[0-9]{2,5}'\ncondition: sel";
  const tooBig = `sel:\n  CommandLine|re: '${"(ab|cd)".repeat(200)}'\ncondition: sel`;
  const fresh = refusal(ruleText(tooBig));
  await withSnapshot(() => { matcher(detection); assert.equal(refusal(ruleText(tooBig)), fresh); }, () => {
    const before = regexesCompiled();
    const m = matcher(detection);
    assert.equal(regexesCompiled(), before, "loading the rule compiled nothing");
    assert.equal(m({ "process.command_line": "./lolMiner --algo ETHASH --pool eu1.ethermine.org:4444 --user 0xabc" }), true);
    assert.equal(regexesCompiled(), before + 1, "the first event compiled it");
    assert.equal(m({ "process.command_line": "/usr/sbin/sshd -D" }), false);
    assert.equal(regexesCompiled(), before + 1, "once");
    assert.equal(refusal(ruleText(tooBig)), fresh, "the recorded refusal, word for word");
  });
});
