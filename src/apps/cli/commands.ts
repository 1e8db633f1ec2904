/**
 * The `minerhunt` program and its commands (the entry point is main.ts). Each command module is
 * imported only when it is the one that runs.
 */
import { Command } from "commander";
import { VERSION } from "../../startup/version.js";

/** The exit status of a usage error (errors.ts EXIT_ERROR; repeated here so this table loads nothing else). */
const EXIT_USAGE = 2;

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: `scan` should not pay for the store,
 * the report renderer or Chromium's driver, nor `--version` for any of them (start-up was 1.5 CPU-s).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import("./scan.js")).registerScanCommand,
  formats: async () => (await import("./formats.js")).registerFormatsCommand,
  intel: async () => (await import("./intel.js")).registerIntelCommand,
  rules: async () => (await import("./rules.js")).registerRulesCommand,
  incident: async () => (await import("./incident.js")).registerIncidentCommand,
  report: async () => (await import("./report.js")).registerReportCommand,
  audit: async () => (await import("./audit.js")).registerAuditCommand,
  block: async () => (await import("./block.js")).registerBlockCommand,
  respond: async () => (await import("./respond.js")).registerRespondCommand,
  serve: async () => (await import("./serve.js")).registerServeCommand,
  user: async () => (await import("./access.js")).registerUserCommands,
  token: async () => (await import("./access.js")).registerTokenCommands,
  sweep: async () => (await import("./sweep.js")).registerSweepCommand,
  lab: async () => (await import("./lab.js")).registerLabCommand,
};

/**
 * The command the arguments name: the first word that is not an option (the program itself takes
 * no option with a value). Undefined for `--help`, `--version`, no word or an unknown word: then
 * every command is registered, so help lists them all and a typo gets commander's suggestion.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  const word = args.find((a) => !a.startsWith("-"));
  if (word === "help") return undefined;
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? word : undefined;
}

/** Every command, in the order help lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * `minerhunt`: thin — it parses what the person asked and calls the library. Only the commands named
 * are registered (and their modules loaded); by default all of them.
 */
export async function buildProgram(names: readonly string[] = COMMAND_NAMES): Promise<Command> {
  const program = new Command("minerhunt")
    .version(VERSION)
    .description("Find cryptomining (MITRE ATT&CK T1496) in SOC telemetry and walk each incident through playbook PB-31.")
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    // Set before the commands are added, so they inherit it: commander's own exits (--help, --version, usage
    // errors) keep 0 for help and version and give 2 for a usage error (1 means "found").
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));
  const registers = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const register of registers) register(program);
  return program;
}
