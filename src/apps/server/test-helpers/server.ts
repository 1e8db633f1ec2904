/**
 * A real server over a real SQLite store in a temporary directory, with one user and one token per role
 * (cheap argon2 parameters so tests stay fast), for fastify.inject tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { openStore } from "../../../store/index.js";
import type { Store } from "../../../store/types.js";
import { buildServer, type BuildOptions } from "../app.js";
import { createToken, addUser } from "../auth/accounts.js";
import type { HashParams } from "../auth/passwords.js";
import { ROLES, type Role, type ServerDeps, type ServerOptions } from "../contract.js";
import type { RouteRecord } from "../auth/guard.js";

export const TEST_HASH: HashParams = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const PASSWORD = "correct horse battery staple";

export interface TestServer {
  app: FastifyInstance;
  routes: RouteRecord[];
  store: ServerDeps["store"];
  deps: ServerDeps;
  /** A token per role: users "viewer", "analyst", "responder", "admin". */
  tokens: Record<Role, string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  location?: string;
  options?: Partial<ServerOptions>;
  build?: BuildOptions;
  deps?: Partial<ServerDeps>;
  /** Called with the store before the server is built (seed incidents...). */
  seed?: (store: Store) => Promise<void>;
}

export async function testServer(o: TestServerOptions = {}): Promise<TestServer> {
  const dir = o.location ? undefined : mkdtempSync(join(tmpdir(), "minerhunt-server-"));
  const store = await openStore(o.location ?? join(dir!, "minerhunt.db"), { auditHead: undefined });
  const now = (): Date => new Date();
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await addUser(store, { name: role, role, password: PASSWORD }, { actor: "test", now, hashParams: TEST_HASH });
    tokens[role] = (await createToken(store, { userName: role, label: `${role} test token` }, { actor: "test", now })).token;
  }
  if (o.seed) await o.seed(store);
  const deps: ServerDeps = {
    store, now,
    options: { host: "127.0.0.1", port: 0, fourEyes: true, bodyLimit: 4 * 1024 * 1024, secureCookies: false, ...o.options },
    ...o.deps,
  };
  const { app, routes } = await buildServer(deps, o.build ?? {});
  return {
    app, routes, store, deps, tokens,
    close: async () => {
      await app.close();
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Sign in with a password (JSON); returns the cookie header and the CSRF token. */
export async function login(app: FastifyInstance, name: string, password = PASSWORD): Promise<{ cookie: string; csrf: string; res: LightMyRequestResponse }> {
  const res = await app.inject({ method: "POST", url: "/login", payload: { username: name, password } });
  const set = res.cookies.find((c) => c.name === "mh_session");
  const body = res.json<{ csrfToken?: string }>();
  return { cookie: set ? `mh_session=${set.value}` : "", csrf: body.csrfToken ?? "", res };
}
