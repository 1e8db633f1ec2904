import { test } from "node:test";
import assert from "node:assert/strict";
import { openBuffer } from "../input.js";
import type { ParseContext } from "../types.js";
import { findColumn, numberCell, readCsvRows, type CsvRow } from "./csv.js";
import { objectStartLines, parseJsonDocument } from "./json-locate.js";
import { parseNumber } from "./numbers.js";

async function rows(text: string): Promise<{ rows: CsvRow[]; issues: { line?: number; message: string }[] }> {
  const issues: { line?: number; message: string }[] = [];
  const ctx: ParseContext = { issue: (line, message) => issues.push({ line, message }), skipped: () => {} };
  const { input } = await openBuffer("t.csv", text);
  const out: CsvRow[] = [];
  for await (const r of readCsvRows(input, ctx)) out.push(r);
  return { rows: out, issues };
}

test("CSV rows: BOM, quoted fields with commas and newlines, CRLF, blank lines; start lines are right", async () => {
  const { rows: r, issues } = await rows('\uFEFFa,b,c\r\n1,"x, y",3\r\n\r\n"multi\nline",5,6\r\n7,8,9\r\n');
  assert.deepEqual(issues, []);
  assert.deepEqual(r.map((x) => [x.line, x.cells]), [
    [1, ["a", "b", "c"]],
    [2, ["1", "x, y", "3"]],
    [4, ["multi\nline", "5", "6"]],
    [6, ["7", "8", "9"]],
  ]);
});

test("an unreadable record is an issue with its line; the rows before it are kept", async () => {
  const { rows: r, issues } = await rows('a,b\n1,2\n3,"unclosed\n');
  assert.equal(r.length, 2);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.line, 3);
  assert.match(issues[0]!.message, /Quote Not Closed/);
});

test("a byte after a closing quote does not end the file: the field is text, and the rows after it are read", async () => {
  // csv-parse's own right trim stopped at `"x"y` and read nothing more (rows 4,5,6 and 7,8,9 were lost).
  const { rows: r, issues } = await rows('a, b, c\n1,"x"y,3\n4, 5 ,6\n7,8,9\n');
  assert.deepEqual(issues, []);
  assert.deepEqual(r.map((x) => x.cells), [["a", "b", "c"], ["1", '"x"y', "3"], ["4", "5", "6"], ["7", "8", "9"]]);
});

test("numberCell names the line and column of a bad number; units and N/A are fine", () => {
  const issues: string[] = [];
  const ctx: ParseContext = { issue: (_l, m) => issues.push(m), skipped: () => {} };
  const row: CsvRow = { line: 7, cells: ["97 %", "abc", "[N/A]", "1.5E-7", "312.45 W"] };
  assert.equal(numberCell(row, 0, "cpu", ctx), 97);
  assert.equal(numberCell(row, 1, "cpu_pct", ctx), undefined);
  assert.equal(numberCell(row, 2, "power.draw [W]", ctx), undefined);
  assert.equal(numberCell(row, 3, "cost", ctx), 1.5e-7);
  assert.equal(numberCell(row, 4, "power.draw [W]", ctx), 312.45);
  assert.deepEqual(issues, ['line 7, column "cpu_pct": expected a number, got "abc"']);
});

test("parseNumber refuses what Number() would wrongly accept", () => {
  for (const bad of ["0x10", "Infinity", "1e999", "1,5", " ", "--1", "1.2.3"]) assert.equal(parseNumber(bad), undefined, bad);
  assert.equal(parseNumber("-0.0123"), -0.0123);
  assert.equal(parseNumber(".5"), 0.5);
});

test("findColumn prefers names in the order given", () => {
  assert.equal(findColumn(["Cost", "CostInBillingCurrency"], ["costinbillingcurrency", "cost"]), 1);
  assert.equal(findColumn([" Host "], ["host"]), 0);
  assert.equal(findColumn(["x"], ["host"]), -1);
});

test("objectStartLines maps JSON object paths to lines; parse errors name a line", () => {
  const text = '{\n  "Datapoints": [\n    {"a": 1},\n    {"b": "}{,["},\n    {"c": {"d": 2}}\n  ],\n  "k\\"ey": {}\n}';
  const lines = objectStartLines(text);
  assert.equal(lines.get(""), 1);
  assert.equal(lines.get("Datapoints/0"), 3);
  assert.equal(lines.get("Datapoints/1"), 4);
  assert.equal(lines.get("Datapoints/2"), 5);
  assert.equal(lines.get("Datapoints/2/c"), 5);
  assert.equal(lines.get('k"ey'), 7);
  const issues: (number | undefined)[] = [];
  assert.equal(parseJsonDocument('{\n "a": 1,\n "b": ]\n}', (l) => issues.push(l), "x"), undefined);
  assert.deepEqual(issues, [3]);
});

test("jsonErrorOffset finds the first syntax error and accepts valid JSON", async () => {
  const { jsonErrorOffset } = await import("./json-locate.js");
  for (const ok of ['{"a":[1,2,{"b":null}],"c":"x\\"y"}', "[]", "{}", " 12.5e3 ", '[[], {}, ""]']) assert.equal(jsonErrorOffset(ok), undefined, ok);
  assert.equal(jsonErrorOffset('{"a": ]}'), 6);
  assert.equal(jsonErrorOffset("[1,2"), 4);
  assert.equal(jsonErrorOffset('{"a":1} x'), 8);
  assert.equal(jsonErrorOffset('{"a":1,}'), 7);
  assert.equal(jsonErrorOffset("[".repeat(100000)), 100000, "deep nesting does not overflow");
});
