/**
 * `minerhunt user add|list|disable|enable|passwd|role` and `minerhunt token create|list|revoke`: the
 * admin's side of the server's access (src/apps/server/auth/accounts.ts does the work and the auditing).
 * Passwords are read from standard input (--password-stdin), never from the command line where `ps`
 * and shell history would keep them.
 */
import { userInfo } from "node:os";
import { Argument, Command, Option } from "commander";
import { resolveLang, t } from "../../i18n/index.js";
import { terminal } from "../../present/escape.js";
import { ROLES, type Role } from "../server/contract.js";
import { addUser, createToken, revokeToken, setDisabled, setPassword, setRole } from "../server/auth/accounts.js";
import { defaultStoreLocation } from "../../store/index.js";
import type { Store } from "../../store/types.js";
import { openExistingStore } from "./serve.js";
import { UsageError } from "./errors.js";

interface Global { db?: string; create?: boolean; format: "text" | "json" }

async function readPassword(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = "";
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes("\n") || text.length > 4096) break;
  }
  const line = text.split(/\r?\n/)[0] ?? "";
  if (line === "") throw new UsageError("no password on standard input");
  return line;
}

export interface AccessCommandDeps {
  stdin?: AsyncIterable<Buffer | string>;
  write?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

export function registerAccessCommands(program: Command, deps: AccessCommandDeps = {}, which: readonly ("user" | "token")[] = ["user", "token"]): void {
  const env = deps.env ?? process.env;
  const lang = resolveLang(undefined, env);
  const write = deps.write ?? ((text: string) => { process.stdout.write(text); });
  const out = (line: string): void => write(`${terminal(line)}\n`);
  /** JSON as it is: JSON.stringify already escapes control characters. */
  const json = (value: unknown): void => write(`${JSON.stringify(value, null, 2)}\n`);
  /** A table row: each field escaped on its own, so the tabs between them stay tabs. */
  const row = (...fields: string[]): void => write(`${fields.map((f) => terminal(f)).join("\t")}\n`);
  const stdin = deps.stdin ?? process.stdin;
  const actor = `cli:${env["USER"] ?? userInfo().username}`;
  const o = { actor, now: () => new Date() };

  const withStore = async (cmd: Command, fn: (store: Store, g: Global) => Promise<void>): Promise<void> => {
    const g = cmd.optsWithGlobals<Global>();
    const store = await openExistingStore(g.db ?? defaultStoreLocation(env), g.create === true, lang);
    try { await fn(store, g); } finally { await store.close(); }
  };
  const common = (c: Command): Command => c
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--create", "create the SQLite store if it does not exist")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"));
  const role = (): Option => new Option("--role <role>", "viewer, analyst, responder or admin").choices([...ROLES]);

  if (which.includes("user")) userCommands();
  if (which.includes("token")) tokenCommands();

  function userCommands(): void {
    const user = common(program.command("user").description("Manage the server's local users (argon2id passwords, roles viewer < analyst < responder < admin)"));
    user.command("add").description("Add a user")
      .argument("<name>", "user name (letters, digits, . _ @ -)")
      .addOption(role().makeOptionMandatory())
      .option("--display-name <text>", "name shown in the UI")
      .option("--password-stdin", "read the password (at least 12 characters) from standard input")
      .action(async (name: string, opts: { role: Role; displayName?: string; passwordStdin?: boolean }, cmd: Command) => withStore(cmd, async (store, g) => {
        const password = opts.passwordStdin ? await readPassword(stdin) : undefined;
        const saved = await addUser(store, { name, role: opts.role, ...(opts.displayName ? { displayName: opts.displayName } : {}), ...(password ? { password } : {}) }, o);
        if (g.format === "json") return json(saved);
        out(t(lang, "server.userAdded", { name, role: opts.role }));
        if (!password) out(t(lang, "server.userNoPassword", { name }));
      }));
    user.command("list").description("List users")
      .action(async (_opts: unknown, cmd: Command) => withStore(cmd, async (store, g) => {
        const users = await store.auth.listUsers();
        if (g.format === "json") return json(users);
        if (users.length === 0) return out(t(lang, "server.none"));
        for (const u of users) row(u.name, u.role, u.disabled ? "disabled" : "active", u.hasPassword ? "password" : "no password", u.createdAt);
      }));
    for (const [name, disabled] of [["disable", true], ["enable", false]] as const) {
      user.command(name).description(disabled ? "Disable a user: no sign-in, sessions end, tokens stop working" : "Enable a disabled user")
        .argument("<name>")
        .action(async (userName: string, _opts: unknown, cmd: Command) => withStore(cmd, async (store) => {
          await setDisabled(store, userName, disabled, o);
          out(t(lang, disabled ? "server.userDisabled" : "server.userEnabled", { name: userName }));
        }));
  }
  user.command("passwd").description("Set a user's password (read from standard input); their sessions end")
    .argument("<name>")
    .action(async (name: string, _opts: unknown, cmd: Command) => withStore(cmd, async (store) => {
      await setPassword(store, name, await readPassword(stdin), o);
      out(t(lang, "server.passwordSet", { name }));
    }));
  user.command("role").description("Change a user's role")
    .argument("<name>")
    .addArgument(new Argument("<role>").choices([...ROLES]))
    .action(async (name: string, newRole: Role, _opts: unknown, cmd: Command) => withStore(cmd, async (store) => {
      await setRole(store, name, newRole, o);
      out(t(lang, "server.roleSet", { name, role: newRole }));
    }));

  }

  function tokenCommands(): void {
    const token = common(program.command("token").description("Manage API tokens (Authorization: Bearer mh_...); only their SHA-256 is stored"));
    token.command("create").description("Make a token for a user; it is printed once")
      .requiredOption("--user <name>", "whose token it is")
      .requiredOption("--label <text>", "what uses it (\"fluent-bit on log01\")")
      .addOption(role())
      .option("--expires <days>", "days until it stops working", (v) => Number.parseInt(v, 10))
      .action(async (opts: { user: string; label: string; role?: Role; expires?: number }, cmd: Command) => withStore(cmd, async (store, g) => {
        const made = await createToken(store, {
          userName: opts.user, label: opts.label, ...(opts.role ? { role: opts.role } : {}), ...(opts.expires !== undefined ? { expiresInDays: opts.expires } : {}),
        }, o);
        if (g.format === "json") {
          const { sha256: _digest, ...record } = made.record;
          return json({ token: made.token, record });
        }
        out(t(lang, "server.tokenCreated", { id: made.record.id, user: made.record.userName, role: made.record.role }));
        out(made.token);
      }));
    token.command("list").description("List tokens (never the secret)")
      .option("--user <name>", "only this user's")
      .action(async (opts: { user?: string }, cmd: Command) => withStore(cmd, async (store, g) => {
        const tokens = (await store.auth.listTokens(opts.user)).map(({ sha256: _digest, ...rest }) => rest);
        if (g.format === "json") return json(tokens);
        if (tokens.length === 0) return out(t(lang, "server.none"));
        for (const k of tokens) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt ? `expires ${k.expiresAt}` : "active";
          row(k.id, k.userName, k.role, state, k.lastUsedAt ?? "never used", k.label);
        }
      }));
    token.command("revoke").description("Revoke a token by id")
      .argument("<id>")
      .action(async (id: string, _opts: unknown, cmd: Command) => withStore(cmd, async (store) => {
        await revokeToken(store, id, o);
        out(t(lang, "server.tokenRevoked", { id }));
      }));
  }
}

export const registerUserCommands = (program: Command): void => registerAccessCommands(program, {}, ["user"]);
export const registerTokenCommands = (program: Command): void => registerAccessCommands(program, {}, ["token"]);
