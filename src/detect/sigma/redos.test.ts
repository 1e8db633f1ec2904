/**
 * Rule regexes are untrusted and log text is attacker-controlled: a pattern that backtracks
 * catastrophically in V8's RegExp must finish quickly here (re2js runs in linear time), and so must
 * wildcard globs and keyword searches over a large field.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { matcher } from "./test-helpers/index.js";

const BIG = 100 * 1024;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

describe("linear-time matching on hostile input", () => {
  it("(a+)+$ on a 100 kB field that almost matches finishes quickly", () => {
    const m = matcher("sel:\n  CommandLine|re: '(a+)+$'\ncondition: sel");
    const hostile = `${"a".repeat(BIG)}!`;
    const { value, ms } = timed(() => m({ "process.command_line": hostile }));
    assert.equal(value, false, "'$' needs the end of the text, and the text ends with '!'");
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    assert.equal(m({ "process.command_line": "a".repeat(BIG) }), true);
  });

  it("(x+x+)+y and nested alternations on 100 kB finish quickly and give the right answer", () => {
    const m = matcher("sel:\n  CommandLine|re: '^(x+x+)+y$'\ncondition: sel");
    const { value, ms } = timed(() => m({ "process.command_line": "x".repeat(BIG) }));
    assert.equal(value, false);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
    const alt = matcher("sel:\n  CommandLine|re: '^(a|aa|aaa)*b$'\ncondition: sel");
    const t2 = timed(() => alt({ "process.command_line": "a".repeat(BIG) }));
    assert.equal(t2.value, false);
    assert.ok(t2.ms < 2000, `took ${t2.ms.toFixed(0)} ms`);
  });

  it("many-wildcard globs and keyword searches over 100 kB stay fast", () => {
    const glob = matcher("sel:\n  CommandLine: '*a*a*a*a*a*a*a*a*b'\ncondition: sel");
    const t1 = timed(() => glob({ "process.command_line": "a".repeat(BIG) }));
    assert.equal(t1.value, false);
    assert.ok(t1.ms < 500, `glob took ${t1.ms.toFixed(0)} ms`);
    const kw = matcher("keywords:\n  - 'a?a?a?a?b'\ncondition: keywords");
    const t2 = timed(() => kw({ message: "a".repeat(BIG) }));
    assert.equal(t2.value, false);
    assert.ok(t2.ms < 2000, `keyword took ${t2.ms.toFixed(0)} ms`);
  });
});
