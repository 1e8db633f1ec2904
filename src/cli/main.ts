#!/usr/bin/env node
import { Command } from "commander";
import { registerScanCommand } from "./scan.js";
import { registerFormatsCommand } from "./formats.js";
import { registerIntelCommand } from "./intel.js";
import { registerRulesCommand } from "./rules.js";
import { registerIncidentCommand } from "./incident.js";
import { registerReportCommand } from "./report.js";
import { registerAuditCommand } from "./audit.js";
import { printError, EXIT_ERROR } from "./errors.js";
import { VERSION } from "./version.js";

/** `minerhunt`: thin — it parses what the person asked and calls the library. */
export function buildProgram(): Command {
  const program = new Command("minerhunt")
    .version(VERSION)
    .description("Find cryptomining (MITRE ATT&CK T1496) in SOC telemetry and walk each incident through playbook PB-31.")
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerScanCommand(program);
  registerFormatsCommand(program);
  registerIntelCommand(program);
  registerRulesCommand(program);
  registerIncidentCommand(program);
  registerReportCommand(program);
  registerAuditCommand(program);
  return program;
}

// `minerhunt incident list | head`: a closed pipe is the reader saying "enough", not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

buildProgram()
  .exitOverride((err) => {
    // commander's own exits (--help, --version, usage errors): keep its code, 2 for usage errors.
    process.exit(err.exitCode === 0 ? 0 : EXIT_ERROR);
  })
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    printError(err);
    process.exitCode = EXIT_ERROR;
  });
