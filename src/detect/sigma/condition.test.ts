/**
 * Conformance checklist §2 items 12–13 (sigma.md): the condition grammar and keyword searches.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCondition, resolvePattern } from "./condition.js";
import { load, matcher, refusal, ruleText } from "./test-helpers/index.js";

/** Four selections a..d, each true when the event's field of that name is "1". */
const SELECTIONS = ["a", "b", "c", "d"].map((n) => `${n}:\n  ${n}: '1'`).join("\n");
function cond(condition: string): (on: string) => boolean {
  const m = matcher(`${SELECTIONS}\ncondition: ${condition}`);
  return (on) => m(Object.fromEntries([...on].map((n) => [n, "1"])));
}

describe("conditions (checklist 12)", () => {
  it("and binds tighter than or, not tighter than and: a and not b or not c and d", () => {
    const c = cond("a and not b or not c and d");
    // (a AND NOT b) OR (NOT c AND d)
    assert.equal(c("a"), true);
    assert.equal(c("ab"), false);
    assert.equal(c("d"), true);
    assert.equal(c("cd"), false);
    assert.equal(c("abcd"), false);
    assert.deepEqual(parseCondition("a and not b or not c and d"), {
      t: "or", args: [
        { t: "and", args: [{ t: "id", name: "a" }, { t: "not", arg: { t: "id", name: "b" } }] },
        { t: "and", args: [{ t: "not", arg: { t: "id", name: "c" } }, { t: "id", name: "d" }] },
      ],
    });
  });

  it("parentheses override precedence; not applies to a parenthesised group", () => {
    assert.equal(cond("a and (b or c)")("ac"), true);
    assert.equal(cond("a and (b or c)")("d"), false);
    assert.equal(cond("not (a or b)")("c"), true);
    assert.equal(cond("not (a or b)")("b"), false);
    assert.equal(cond("(a or b) and not (c or d)")("bd"), false);
  });

  it("or of three, and left to right", () => {
    assert.equal(cond("a or b or c")("c"), true);
    assert.equal(cond("a or b or c")("d"), false);
    assert.equal(cond("a and b and c")("abc"), true);
    assert.equal(cond("a and b and c")("ab"), false);
  });

  it("1 of / any of / all of with patterns, and them", () => {
    const ids = "selection_img:\n  Image|endswith: '/xmrig'\nselection_cli:\n  CommandLine|contains: '--donate-level'\nfilter_dev:\n  User: dev";
    const one = matcher(`${ids}\ncondition: 1 of selection_* and not 1 of filter_*`);
    const any = matcher(`${ids}\ncondition: any of selection_*`);
    const all = matcher(`${ids}\ncondition: all of selection_*`);
    const them = matcher(`${ids}\ncondition: 1 of them`);
    const img = { "process.executable": "/tmp/xmrig" };
    const both = { "process.executable": "/tmp/xmrig", "process.command_line": "xmrig --donate-level 1" };
    assert.equal(one(img), true);
    assert.equal(one({ ...img, "user.name": "dev" }), false);
    assert.equal(any(img), true);
    assert.equal(all(img), false);
    assert.equal(all(both), true);
    assert.equal(them({ "user.name": "dev" }), true);
    assert.equal(them({ "user.name": "ops" }), false);
  });

  it("identifiers starting with _ are left out of them and patterns, unless the pattern starts with _", () => {
    const ids = "detection_1:\n  a: '1'\ndetection_2:\n  b: '1'\n_detection_3:\n  c: '1'";
    assert.deepEqual(resolvePattern("them", ["detection_1", "detection_2", "_detection_3"]), ["detection_1", "detection_2"]);
    assert.equal(matcher(`${ids}\ncondition: 1 of them`)({ c: "1" }), false);
    assert.equal(matcher(`${ids}\ncondition: 1 of _detection*`)({ c: "1" }), true);
  });

  it("a pattern without * must match the whole name (selection does not take selection_extra)", () => {
    const m = matcher("selection:\n  a: '1'\nselection_extra:\n  b: '1'\ncondition: 1 of selection");
    assert.equal(m({ b: "1" }), false);
    assert.equal(m({ a: "1" }), true);
  });

  it("pattern * matches names with characters the grammar cannot name directly", () => {
    const m = matcher("filter_main_mdadm.conf:\n  a: '1'\nsel:\n  b: '1'\ncondition: sel and not 1 of filter_main_*");
    assert.equal(m({ b: "1" }), true);
    assert.equal(m({ a: "1", b: "1" }), false);
  });

  it("a condition list is the OR of its entries", () => {
    const m = matcher(`${SELECTIONS}\ncondition:\n  - a and b\n  - c`);
    assert.equal(m({ c: "1" }), true);
    assert.equal(m({ a: "1", b: "1" }), true);
    assert.equal(m({ a: "1" }), false);
  });

  it("conditions may span several YAML lines", () => {
    const m = matcher(`${SELECTIONS}\ncondition: a\n  and\n  not b`);
    assert.equal(m({ a: "1" }), true);
    assert.equal(m({ a: "1", b: "1" }), false);
  });

  it("refuses undefined identifiers, dangling operators, upper-case operators and pipes", () => {
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: a and e`)), /'e', which the detection does not define/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: a and`)), /ends where/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: a and (b OR c)`)), /'OR' is not an operator/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: a and not (b OR c)`)), /lowercase/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: a | count() by host > 5`)), /deprecated/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: 2 of a*`)), /invalid quantifier/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: 1 of x*`)), /matches no search identifier/);
    assert.match(refusal(ruleText(`${SELECTIONS}\ncondition: (a or b`)), /missing '\)'/);
  });

  it("warns about all of them, them with one identifier and unused identifiers", () => {
    const codes = (c: string) => load(ruleText(c)).warnings.map((w) => w.code);
    assert.ok(codes(`${SELECTIONS}\ncondition: all of them`).includes("all-of-them"));
    assert.ok(codes("a:\n  a: '1'\ncondition: 1 of them").includes("them-single-detection"));
    assert.ok(codes(`${SELECTIONS}\ncondition: a`).includes("dangling-detection"));
  });
});

describe("search identifiers and keywords (checklist 13)", () => {
  it("a map is AND, a list of maps is OR", () => {
    const and = matcher("sel:\n  Image|endswith: '/xmrig'\n  User: root\ncondition: sel");
    assert.equal(and({ "process.executable": "/x/xmrig", "user.name": "root" }), true);
    assert.equal(and({ "process.executable": "/x/xmrig", "user.name": "bob" }), false);
    const or = matcher("sel:\n  - Image|endswith: '/xmrig'\n  - User: root\ncondition: sel");
    assert.equal(or({ "user.name": "root" }), true);
    assert.equal(or({ "user.name": "bob" }), false);
  });

  it("a list of keywords is OR, searched as substrings of any value, case-insensitively", () => {
    const m = matcher("keywords:\n  - 'stratum+tcp'\n  - 'xmrig'\ncondition: keywords");
    assert.equal(m({ message: "connecting to STRATUM+TCP://pool" }), true);
    assert.equal(m({ "process.command_line": "./XMRig -B" }), true);
    assert.equal(m({ message: "nothing here" }), false);
    assert.equal(m({ "log.file.path": "/var/log/xmrig.log" }), false, "provenance fields are not searched");
  });

  it("a scalar keyword, a number keyword, and several keyword items (AND of ORs)", () => {
    assert.equal(matcher("keywords: 'minerd'\ncondition: keywords")({ message: "minerd started" }), true);
    assert.equal(matcher("keywords:\n  - 3333\ncondition: keywords")({ "destination.port": 3333 }), true);
    const m = matcher("k1:\n  - a1\n  - a2\nk2:\n  - b1\n  - b2\ncondition: k1 and k2");
    assert.equal(m({ message: "a2 b1" }), true);
    assert.equal(m({ message: "a1 a2" }), false);
  });

  it("keywords take modifiers: |re and |base64|contains", () => {
    const re = matcher("keywords:\n  '|re': 'pool\\.[a-z]+\\.com:\\d+'\ncondition: keywords");
    assert.equal(re({ message: "x -o pool.minexmr.com:4444" }), true);
    assert.equal(re({ message: "x -o pool.minexmr.com" }), false);
    const b64 = matcher("keywords:\n  '|base64|contains': 'xmrig'\ncondition: keywords");
    assert.equal(b64({ message: `payload ${Buffer.from("xmrig").toString("base64")}` }), true);
  });

  it("a list may mix maps and keywords", () => {
    const m = matcher("sel:\n  - User: root\n  - 'xmrig'\ncondition: sel");
    assert.equal(m({ "user.name": "root" }), true);
    assert.equal(m({ message: "xmrig" }), true);
    assert.equal(m({ message: "nope" }), false);
  });

  it("refuses a null keyword and an empty detection", () => {
    assert.match(refusal(ruleText("keywords:\n  - null\ncondition: keywords")), /null/);
    assert.match(refusal(ruleText("sel: {}\ncondition: sel")), /empty/);
    assert.match(refusal(ruleText("condition: sel")), /no search identifiers/);
  });

  it("matches array fields when any element matches", () => {
    const m = matcher("sel:\n  QueryResults: '127.0.0.1'\ncondition: sel");
    assert.equal(m({ "dns.resolved_ip": ["10.0.0.1", "127.0.0.1"] }), true);
    assert.equal(m({ "dns.resolved_ip": ["10.0.0.1"] }), false);
  });

  it("compares numbers and booleans as text (coercion policy)", () => {
    const port = matcher("sel:\n  DestinationPort: 3333\ncondition: sel");
    assert.equal(port({ "destination.port": 3333 }), true);
    assert.equal(port({ "destination.port": "3333" }), true);
    const bool = matcher("sel:\n  rejected: 'true'\ncondition: sel");
    assert.equal(bool({ rejected: true }), true, "Zeek JSON booleans match the string 'true'");
    const yamlBool = matcher("sel:\n  rejected: true\ncondition: sel");
    assert.equal(yamlBool({ rejected: "TRUE" }), true);
    assert.equal(yamlBool({ rejected: false }), false);
  });
});
