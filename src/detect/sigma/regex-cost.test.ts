/**
 * Issue 12 item 4: a user rule's regex has a bounded cost. Patterns over the length cap or the compiled-size
 * cap are refused with the rule's file and line (what `rules validate` prints); a regex sees the first 64 KiB
 * of a field; a rule over its CPU budget on several events is disabled and reported, and the scan goes on.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RE2JS } from "re2js";
import { DetectionEngine } from "../engine.js";
import { defaultConfig } from "../config.js";
import { testIntel } from "../../test-helpers/index.js";
import { sigmaDetector } from "./detector.js";
import { MAX_REGEX_INPUT_CHARS, MAX_REGEX_PATTERN_CHARS, MAX_REGEX_PROGRAM_SIZE } from "./regex.js";
import { load, matcher, ruleText } from "./test-helpers/index.js";

const XMRIG = "/tmp/.x/xmrig -o stratum+tcp://pool.supportxmr.com:3333 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -p x";

describe("regex caps in rules", () => {
  it("a pattern over the length cap is refused with file and line", () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}x`).join("|");
    assert.ok(long.length > MAX_REGEX_PATTERN_CHARS);
    const r = load(ruleText(`sel:\n  CommandLine|re: '${long}'\ncondition: sel`), {}, "rules/long_regex.yml");
    assert.equal(r.refused.length, 1);
    assert.equal(r.refused[0]!.file, "rules/long_regex.yml");
    assert.equal(r.refused[0]!.line, 10, "the line of the |re item");
    assert.match(r.refused[0]!.message, new RegExp(`regular expression of ${long.length} characters is longer than the ${MAX_REGEX_PATTERN_CHARS}-character limit`));
  });

  it("a short pattern that compiles too large is refused; SigmaHQ-sized ones pass", () => {
    const big = "\\S{1000}x\\S{1000}";
    assert.ok(RE2JS.compile(big).programSize() > MAX_REGEX_PROGRAM_SIZE);
    const r = load(ruleText(`sel:\n  CommandLine|re: '${big}'\ncondition: sel`));
    assert.match(r.refused[0]?.message ?? "", /compiles to \d+ instructions, over the 2000 limit/);
    // The largest program in SigmaHQ (a 1000-repeat) and its longest pattern stay allowed.
    const m = matcher("sel:\n  CommandLine|re: '\\S{1000}'\ncondition: sel");
    assert.equal(m({ "process.command_line": "a".repeat(1000) }), true);
  });

  it("a regex sees the first 64 KiB of a field (and the last, when anchored at the end), not the middle", () => {
    const m = matcher("sel:\n  CommandLine|re: 'stratum\\+tcp://'\ncondition: sel");
    const pad = " ".repeat(MAX_REGEX_INPUT_CHARS - 100);
    assert.equal(m({ "process.command_line": `${pad}${XMRIG}` }), true, "starts inside the window");
    assert.equal(m({ "process.command_line": `${pad}${" ".repeat(200)}${XMRIG}${pad}` }), false, "starts past it");
    // The cut is not an end: `$` holds only at the real end, which the tail window sees.
    const end = matcher("sel:\n  CommandLine|re: 'a+$'\ncondition: sel");
    assert.equal(end({ "process.command_line": `${"a".repeat(2 * MAX_REGEX_INPUT_CHARS)}!` }), false);
    assert.equal(end({ "process.command_line": `!${"a".repeat(2 * MAX_REGEX_INPUT_CHARS)}` }), true);
    const start = matcher("sel:\n  CommandLine|re: '^a+!'\ncondition: sel");
    assert.equal(start({ "process.command_line": `b${"a".repeat(2 * MAX_REGEX_INPUT_CHARS)}!` }), false, "^ is not where the tail begins");
  });
});

describe("CPU budget per rule per event", () => {
  it("a rule over its budget on N events is disabled, reported with its file and line, and the scan goes on", () => {
    const text = ruleText("sel:\n  CommandLine|re: 'stratum\\+tcp://[a-z.]+:\\d+'\ncondition: sel");
    const plain = ruleText("sel:\n  CommandLine|contains: 'xmrig'\ncondition: sel").replace("Test rule", "Plain rule").replace("5d0b2a7e", "6e1c3b8f");
    const r = load(text + "---\n" + plain, {}, "rules/slow.yml");
    assert.equal(r.refused.length, 0);
    // A budget no evaluation can meet: every timed evaluation is an overrun.
    const engine = new DetectionEngine([sigmaDetector(r.rules, { regexBudgetMs: -1, regexStrikes: 3 })], testIntel(), defaultConfig());
    const event = (n: number) => ({
      "@timestamp": `2026-11-18T21:41:0${n}Z`, "event.dataset": "auditd", "event.category": ["process"], "event.type": ["start"],
      "host.name": "db-prod-01", "process.command_line": XMRIG, "process.name": "xmrig", "process.pid": 4000 + n,
    });
    for (let n = 0; n < 6; n++) engine.onEvent(event(n));
    const findings = engine.finish();
    assert.deepEqual(engine.warnings.map((w) => [w.file, w.line]), [["rules/slow.yml", 1]], "reported once");
    assert.match(engine.warnings[0]!.message, /rule 'Test rule' went over its -1 ms budget per event on 3 events .*disabled for the rest of this scan/);
    const slow = findings.filter((f) => f.title === "Test rule");
    assert.equal(slow.length > 0, true, "it matched while it ran");
    assert.ok(findings.some((f) => f.title === "Plain rule"), "the rule without a regex is not timed and keeps running");
  });
});
