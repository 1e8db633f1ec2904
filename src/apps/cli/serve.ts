/**
 * `minerhunt serve`: the HTTP API, ingest endpoint and web UI over a store (src/apps/server).
 */
import { existsSync } from "node:fs";
import { Command, Option } from "commander";
import { resolveLang, t } from "../../i18n/index.js";
import { defaultStoreLocation, openStore, parseStoreLocation } from "../../store/index.js";
import type { Store } from "../../store/types.js";
import { DEFAULT_BODY_LIMIT } from "../server/app.js";
import { startServer, stopOnSignals } from "../server/serve.js";
import { UsageError } from "./errors.js";
import { ROLES, type OidcOptions, type Role } from "../server/contract.js";

/** Refuse a SQLite path that does not exist (a typo would silently serve an empty store) unless --create. */
export async function openExistingStore(location: string, create: boolean, lang: ReturnType<typeof resolveLang>): Promise<Store> {
  const where = parseStoreLocation(location);
  if (where.backend === "sqlite" && where.path !== ":memory:" && !create && !existsSync(where.path)) {
    throw new UsageError(t(lang, "server.noStore", { path: where.path }));
  }
  return openStore(location);
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port ${value}: expected 0-65535`);
  return n;
}

function bytes(value: string): number {
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--body-limit ${value}: expected bytes, e.g. 16M`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * unit;
}

interface ServeCliOptions {
  db?: string; host: string; port: number; fourEyes: boolean; secureCookies?: boolean; bodyLimit: number;
  create?: boolean; config?: string; rules?: string[]; quiet?: boolean;
  oidcIssuer?: string; oidcClientId?: string; oidcRedirectUri?: string; oidcAutoCreate?: Role;
}

/** OIDC from the options; the client secret only from the environment (never argv). */
function oidcOptions(opts: ServeCliOptions, env: NodeJS.ProcessEnv): OidcOptions | undefined {
  if (!opts.oidcIssuer) return undefined;
  const secret = env["MINERHUNT_OIDC_CLIENT_SECRET"];
  if (!opts.oidcClientId || !opts.oidcRedirectUri || !secret) {
    throw new UsageError("--oidc-issuer needs --oidc-client-id, --oidc-redirect-uri and MINERHUNT_OIDC_CLIENT_SECRET in the environment");
  }
  return {
    issuer: opts.oidcIssuer, clientId: opts.oidcClientId, clientSecret: secret, redirectUri: opts.oidcRedirectUri,
    ...(opts.oidcAutoCreate ? { autoCreateRole: opts.oidcAutoCreate } : {}),
  };
}

export function registerServeCommand(program: Command): Command {
  const lang = resolveLang(undefined, process.env);
  return program
    .command("serve")
    .description("Serve the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json), the NDJSON ingest endpoint and the web UI")
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--create", "create the SQLite store if it does not exist")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on (0: any free port)").argParser(port).default(8080))
    .option("--no-four-eyes", "let a responder approve and execute a plan they made (default: refused)")
    .option("--secure-cookies", "mark the session cookie Secure (serve behind TLS)")
    .addOption(new Option("--body-limit <bytes>", "largest request body, also after gunzip (e.g. 16M)").argParser(bytes).default(DEFAULT_BODY_LIMIT, "16M"))
    .option("--config <file>", "site config (allowlist, thresholds) for the ingest engine")
    .option("--rules <dir...>", "extra Sigma rule folders for the ingest engine")
    .option("--quiet", "no request log")
    .option("--oidc-issuer <url>", "sign in with this OpenID provider too (https; discovery at /.well-known/openid-configuration)")
    .option("--oidc-client-id <id>", "this server's client id at the provider (secret: MINERHUNT_OIDC_CLIENT_SECRET)")
    .option("--oidc-redirect-uri <url>", "https://<this server>/auth/oidc/callback, as registered at the provider")
    .addOption(new Option("--oidc-auto-create <role>", "add unknown OIDC users with this role (default: they must be local users)").choices([...ROLES]))
    .action(async (opts: ServeCliOptions) => {
      const location = opts.db ?? defaultStoreLocation();
      const store = await openExistingStore(location, opts.create === true, lang);
      try {
        if ((await store.auth.listUsers()).length === 0) process.stderr.write(`${t(lang, "server.noUsers", { db: location })}\n`);
        const loopback = ["127.0.0.1", "::1", "localhost"].includes(opts.host);
        if (!loopback && !opts.secureCookies) process.stderr.write(`${t(lang, "server.insecureBind", { host: opts.host })}\n`);
        const oidc = oidcOptions(opts, process.env);
        const server = await startServer({
          ...(oidc ? { oidc } : {}),
          store, host: opts.host, port: opts.port, fourEyes: opts.fourEyes, bodyLimit: opts.bodyLimit,
          secureCookies: opts.secureCookies === true, logger: !opts.quiet,
          detection: { ...(opts.config ? { configPath: opts.config } : {}), ...(opts.rules ? { ruleDirs: opts.rules } : {}) },
        });
        process.stderr.write(`${t(lang, "server.listening", { url: server.url, store: store.backend, fourEyes: opts.fourEyes ? "on" : "off" })}\n`);
        stopOnSignals(server, () => store.close(), () => process.stderr.write(`${t(lang, "server.stopping")}\n`));
      } catch (err) {
        await store.close();
        throw err;
      }
    });
}
