/**
 * `minerhunt rules list|validate|test [PATH...]`: the Sigma rule collection from the command line.
 * Without PATH the project's PB-31 pack (rules/) is used.
 *
 * Exit codes: 0 ok; 1 refused rules (validate) or failing tests (test); 2 usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { parse } from "yaml";
import {
  defaultRuleDirs, loadRules, runRuleTests, type CompiledRule, type LoadOptions, type LoadResult,
} from "../../detect/sigma/index.js";
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, UsageError } from "./errors.js";
import { terminal } from "../../present/escape.js";

/** One line of text output; rule files are attacker text, so every line goes through the terminal escaping. */
function line(text: string): string {
  return `${terminal(text)}\n`;
}

export interface RulesCommandIO {
  /** Where output goes (stdout by default). */
  write?: (text: string) => void;
  /** How the command reports its exit code (process.exitCode by default). */
  setExitCode?: (code: number) => void;
  /** Throw commander's usage errors (exit code 2) instead of exiting: for tests. */
  throwOnExit?: boolean;
}

interface CommonOptions {
  format: string;
  placeholders?: string;
}

function checkFormat(format: string): "text" | "json" {
  if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json, got "${format}"`);
  return format;
}

/** `--placeholders FILE`: a YAML map of placeholder name → list of values, for the expand modifier. */
function readPlaceholders(file: string | undefined): LoadOptions["placeholders"] {
  if (!file) return undefined;
  let data: unknown;
  try {
    data = parse(readFileSync(file, "utf8"), { maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(`--placeholders ${file}: ${(e as Error).message}`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UsageError(`--placeholders ${file}: expected a map of name: [values]`);
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === "string" || typeof x === "number")) throw new UsageError(`--placeholders ${file}: '${k}' must be a list of strings`);
    out[k] = list.map(String);
  }
  return out;
}

async function loadFor(paths: string[], opts: CommonOptions): Promise<LoadResult> {
  const targets = paths.length > 0 ? paths : defaultRuleDirs();
  const missing = targets.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(", ")}`);
  const placeholders = readPlaceholders(opts.placeholders);
  return loadRules(targets, placeholders ? { placeholders } : {});
}

function where(file: string, line: number): string {
  return line > 0 ? `${file}:${line}` : file;
}

function routeText(rule: CompiledRule): string {
  if (rule.kind === "correlation") return `correlation ${rule.spec.type}`;
  return rule.route ? rule.route.label : "not routed";
}

function summaryLine(r: LoadResult): string {
  const s = r.stats;
  return `rules: ${s.documents} read, ${s.compiled} compiled, ${r.refused.length} refused, ${r.warnings.length} warnings, ${s.notRouted} not routed`;
}

function listCommand(rules: Command, io: Required<Pick<RulesCommandIO, "write">>): void {
  rules
    .command("list")
    .description("List the rules with level, status and the events they see")
    .argument("[paths...]", "rule files or folders (default: the PB-31 pack)")
    .option("--format <format>", "text or json", "text")
    .option("--placeholders <file>", "YAML map of %placeholder% values for the expand modifier")
    .action(async (paths: string[], opts: CommonOptions) => {
      const format = checkFormat(opts.format);
      const r = await loadFor(paths, opts);
      const rows = r.rules.map((rule) => ({
        id: rule.meta.id ?? null,
        title: rule.meta.title,
        kind: rule.kind,
        level: rule.meta.level ?? null,
        status: rule.meta.status ?? null,
        logsource: rule.meta.logsource,
        route: routeText(rule),
        tests: rule.tests.length,
        file: rule.meta.file,
        line: rule.meta.line,
      }));
      if (format === "json") { io.write(`${JSON.stringify(rows, null, 2)}\n`); return; }
      for (const row of rows) {
        io.write(line(`${(row.level ?? "-").padEnd(13)} ${(row.status ?? "-").padEnd(12)} ${row.route.padEnd(44)} ${row.title}  ${row.id ?? ""}  ${where(row.file, row.line)}`));
      }
      io.write(line(`${summaryLine(r)}`));
    });
}

function validateCommand(rules: Command, io: Required<Pick<RulesCommandIO, "write" | "setExitCode">>): void {
  rules
    .command("validate")
    .description("Check rules against the Sigma specification; print each refused rule with file, line and reason")
    .argument("[paths...]", "rule files or folders (default: the PB-31 pack)")
    .option("--format <format>", "text or json", "text")
    .option("--warnings", "also print each warning")
    .option("--placeholders <file>", "YAML map of %placeholder% values for the expand modifier")
    .action(async (paths: string[], opts: CommonOptions & { warnings?: boolean }) => {
      const format = checkFormat(opts.format);
      const r = await loadFor(paths, opts);
      const notRouted = r.rules.filter((x) => x.kind === "detection" && !x.route)
        .map((x) => ({ file: x.meta.file, line: x.meta.line, id: x.meta.id ?? null, title: x.meta.title, logsource: x.meta.logsource }));
      if (format === "json") {
        io.write(`${JSON.stringify({ stats: r.stats, refused: r.refused, warnings: r.warnings, notRouted }, null, 2)}\n`);
      } else {
        for (const e of r.refused) {
          io.write(line(`${where(e.file, e.line)}: refused${e.ruleId ? ` [${e.ruleId}]` : ""}${e.title ? ` ${e.title}` : ""}: ${e.message}`));
        }
        if (opts.warnings) {
          for (const w of r.warnings) io.write(line(`${where(w.file, w.line)}: warning ${w.code}${w.title ? ` (${w.title})` : ""}: ${w.message}`));
        }
        io.write(line(`${summaryLine(r)}`));
      }
      io.setExitCode(r.refused.length > 0 ? EXIT_FOUND : EXIT_CLEAN);
    });
}

function testCommand(rules: Command, io: Required<Pick<RulesCommandIO, "write" | "setExitCode">>): void {
  rules
    .command("test")
    .description("Run the test events embedded in rules (top-level tests: list)")
    .argument("[paths...]", "rule files or folders (default: the PB-31 pack)")
    .option("--format <format>", "text or json", "text")
    .option("--require-tests", "count rules without tests as failures")
    .option("--verbose", "print passing tests too")
    .option("--placeholders <file>", "YAML map of %placeholder% values for the expand modifier")
    .action(async (paths: string[], opts: CommonOptions & { requireTests?: boolean; verbose?: boolean }) => {
      const format = checkFormat(opts.format);
      const r = await loadFor(paths, opts);
      const report = runRuleTests(r.rules);
      const untestedFail = opts.requireTests ? report.untested.length : 0;
      const failed = report.failed + r.refused.length + untestedFail;
      if (format === "json") {
        io.write(`${JSON.stringify({
          passed: report.passed,
          failed: report.failed,
          refused: r.refused,
          untested: report.untested.map((x) => ({ id: x.meta.id ?? null, title: x.meta.title, file: x.meta.file })),
          results: report.results.map((x) => ({
            id: x.rule.meta.id ?? null, title: x.rule.meta.title, file: x.rule.meta.file, line: x.test.line,
            test: x.test.name ?? `#${x.index + 1}`, passed: x.passed, message: x.message,
          })),
        }, null, 2)}\n`);
      } else {
        for (const e of r.refused) io.write(line(`${where(e.file, e.line)}: refused${e.title ? ` ${e.title}` : ""}: ${e.message}`));
        for (const x of report.results) {
          if (x.passed && !opts.verbose) continue;
          io.write(line(`${x.passed ? "ok  " : "FAIL"} ${where(x.rule.meta.file, x.test.line)}: ${x.rule.meta.title} / ${x.test.name ?? `test ${x.index + 1}`}: ${x.message}`));
        }
        if (opts.requireTests) for (const u of report.untested) io.write(line(`FAIL ${where(u.meta.file, u.meta.line)}: ${u.meta.title}: no tests`));
        io.write(line(`tests: ${report.results.length} run, ${report.passed} passed, ${report.failed} failed; ${r.refused.length} rules refused; ${report.untested.length} rules without tests`));
      }
      io.setExitCode(failed > 0 ? EXIT_FOUND : EXIT_CLEAN);
    });
}

export function registerRulesCommand(program: Command, options: RulesCommandIO = {}): Command {
  const io = {
    write: options.write ?? ((text: string) => { process.stdout.write(text); }),
    setExitCode: options.setExitCode ?? ((code: number) => { process.exitCode = code; }),
  };
  const rules = program.command("rules").description("Sigma rules: list, validate against the spec, run their embedded tests");
  listCommand(rules, io);
  validateCommand(rules, io);
  testCommand(rules, io);
  // commander's own errors (unknown option, missing argument) are usage errors: exit code 2.
  const onExit = (err: CommanderError): void => {
    const code = err.exitCode === 0 ? 0 : EXIT_ERROR;
    if (options.throwOnExit) throw new CommanderError(code, err.code, err.message);
    process.exit(code);
  };
  rules.exitOverride(onExit);
  for (const sub of rules.commands) sub.exitOverride(onExit);
  return rules;
}
