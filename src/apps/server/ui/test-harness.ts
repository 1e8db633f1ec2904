/**
 * Test harness for the UI: the real server (server/app.ts through server/test-helpers/server.ts: helmet's
 * strict CSP, the auth guard, sessions, CSRF) with the UI plugin, over a temporary SQLite store loaded with
 * log files through the real scan pipeline. Users "viewer", "analyst", "responder", "admin" (PASSWORD).
 */
import type { FastifyInstance } from "fastify";
import { reassessor } from "../../../pipeline/incident.js";
import { runScan } from "../../../pipeline/run.js";
import type { Store } from "../../../store/types.js";
import type { ServerOptions } from "../contract.js";
import { login, testServer } from "../test-helpers/server.js";
import type { TestServer } from "../test-helpers/server.js";
import { uiRoutes } from "./index.js";

export { PASSWORD } from "../test-helpers/server.js";

/** Scans `paths` into the store as `minerhunt scan --db` does. */
export async function scanInto(store: Store, paths: string[]): Promise<void> {
  const run = await runScan({ paths });
  await store.saveScan({ findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, reassess: reassessor(run.config, run.playbook) });
}

export interface UiServerOptions {
  /** Files or folders scanned into the store first; none: an empty store. */
  paths?: string[];
  options?: Partial<ServerOptions>;
}

export async function uiServer(o: UiServerOptions = {}): Promise<TestServer> {
  return testServer({
    ...(o.options ? { options: o.options } : {}),
    build: { ui: uiRoutes },
    seed: async (store) => { if (o.paths?.length) await scanInto(store, o.paths); },
  });
}

/** Signs in with the password form (as a browser does) and returns the session cookie and CSRF token. */
export async function signIn(app: FastifyInstance, name: string): Promise<{ cookie: string; csrf: string }> {
  const { cookie, csrf } = await login(app, name);
  if (!cookie || !csrf) throw new Error(`could not sign in as ${name}`);
  return { cookie, csrf };
}
