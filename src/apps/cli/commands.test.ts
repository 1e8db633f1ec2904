import { test } from "node:test";
import assert from "node:assert/strict";
import { buildProgram, COMMAND_NAMES, commandNamed } from "./commands.js";

test("the command named on the line is the first word that is not an option", () => {
  assert.equal(commandNamed(["scan", "--format", "json", "x.log"]), "scan");
  assert.equal(commandNamed(["-q", "incident", "list"]), "incident");
  assert.equal(commandNamed(["report", "inc-1", "--lang", "th"]), "report");
  // No command, help, or a word that is no command: every command is registered (help lists them, typos get a suggestion).
  for (const args of [[], ["--help"], ["--version"], ["help", "scan"], ["scn", "x.log"], ["constructor"], ["__proto__"]]) {
    assert.equal(commandNamed(args), undefined, args.join(" "));
  }
});

test("only the named command is registered; by default all of them, in help order", async () => {
  const one = await buildProgram(["formats"]);
  assert.deepEqual(one.commands.map((c) => c.name()), ["formats"]);
  const all = await buildProgram();
  assert.deepEqual(all.commands.map((c) => c.name()), [...COMMAND_NAMES]);
  assert.deepEqual([...COMMAND_NAMES], ["scan", "formats", "intel", "rules", "incident", "report", "audit", "block", "respond", "serve", "user", "token", "sweep", "lab"]);
  const none = await buildProgram([]);
  assert.deepEqual(none.commands, []);
  assert.match(none.version() ?? "", /^\d+\.\d+\.\d+/);
});
