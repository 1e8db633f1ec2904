/**
 * `minerhunt audit verify`: check the hash-chained audit log and, against the head file kept outside the
 * database (store/audit-head.ts), that no record was edited, removed, reordered or cut off the end.
 * `auditWarning` gives every other store command the same check as a one-line warning.
 *
 * Exit codes: 0 the log is whole; 1 it is not; 2 the store or head file could not be read.
 */
import { Command, Option } from "commander";
import { checkAudit, defaultAuditHead, defaultStoreLocation, openStore, type AuditCheck, type AuditSource } from "../../store/index.js";
import { EXIT_CLEAN, EXIT_FOUND } from "./errors.js";
import { terminal } from "../../present/escape.js";

function short(hash: string): string {
  return hash.slice(0, 16);
}

export function formatAuditCheck(check: AuditCheck): string {
  const lines: string[] = [];
  lines.push(`audit log: ${check.count} record(s)${check.head ? `, newest #${check.head.seq} ${short(check.head.hash)}…` : ""}`);
  if (check.headFile) {
    const h = check.headFile.head;
    lines.push(`head file ${check.headFile.path}: ${h ? `#${h.seq} ${short(h.hash)}…` : "absent"}`);
  }
  for (const p of check.problems) lines.push(`BROKEN: ${p}`);
  for (const n of check.notes) lines.push(`note: ${n}`);
  lines.push(check.ok ? "ok: every record is as written" : "the audit log cannot be trusted: see above, and restore from a copy whose head matches");
  return lines.map(terminal).join("\n") + "\n";
}

/**
 * The same check at the start of a store command: nothing when the log is whole, else one warning line.
 * Never stops the command (the analyst still needs the incidents), and a check that fails is itself a warning.
 */
export async function auditWarning(store: Partial<AuditSource>, location: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (typeof store.verifyAuditChain !== "function" || typeof store.auditRecords !== "function") return undefined;
  try {
    const check = await checkAudit(store as AuditSource, defaultAuditHead(location, env));
    if (check.ok) return undefined;
    return terminal(`minerhunt: warning: the audit log fails verification (${check.problems.join("; ")}); run minerhunt audit verify`);
  } catch (err) {
    return terminal(`minerhunt: warning: the audit log could not be verified: ${(err as Error).message}`);
  }
}

export interface AuditCommandDeps {
  write?: (text: string) => void;
  setExitCode?: (code: number) => void;
  env?: NodeJS.ProcessEnv;
}

export function registerAuditCommand(program: Command, deps: AuditCommandDeps = {}): Command {
  const env = deps.env ?? process.env;
  const write = deps.write ?? ((text: string) => { process.stdout.write(text); });
  const setExitCode = deps.setExitCode ?? ((code: number) => { process.exitCode = code; });
  const audit = program.command("audit").description("The hash-chained audit log of analyst and response actions");
  audit
    .command("verify")
    .description("Check that no audit record was edited, removed, reordered or cut off the end (exit 1 if one was)")
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--create", "start an empty store when --db names none (without it, a store that does not exist is an error)")
    .option("--head <file>", "the head file kept outside the database (default: MINERHUNT_AUDIT_HEAD, else <sqlite file>.audit-head)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (opts: { db?: string; create?: boolean; head?: string; format: "text" | "json" }) => {
      const location = opts.db ?? defaultStoreLocation(env);
      const head = opts.head ?? defaultAuditHead(location, env);
      const mustExist = opts.create !== true;
      const store = await openStore(location, head === undefined ? { mustExist } : { auditHead: head, mustExist });
      try {
        const check = await checkAudit(store, head);
        write(opts.format === "json" ? `${JSON.stringify(check, null, 2)}\n` : formatAuditCheck(check));
        setExitCode(check.ok ? EXIT_CLEAN : EXIT_FOUND);
      } finally {
        await store.close();
      }
    });
  return audit;
}
