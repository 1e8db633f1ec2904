/**
 * The server side of bench/ingest.ts, in its own process so its CPU time is its own: a fresh SQLite
 * store with one analyst token, `minerhunt serve`'s startServer on 127.0.0.1 (port chosen by the OS),
 * no request log. Prints {url, token, pid} as one JSON line, then serves until SIGTERM.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/index.js";
import { addUser, createToken } from "../src/apps/server/auth/accounts.js";
import { startServer, stopOnSignals } from "../src/apps/server/serve.js";

const dir = mkdtempSync(join(tmpdir(), "minerhunt-bench-ingest-"));
const store = await openStore(join(dir, "bench.db"), { auditHead: undefined });
const now = (): Date => new Date();
await addUser(store, { name: "shipper", role: "analyst" }, { actor: "bench", now });
const { token } = await createToken(store, { userName: "shipper", label: "bench" }, { actor: "bench", now });
const server = await startServer({
  store, host: "127.0.0.1", port: 0, fourEyes: true, bodyLimit: 64 * 1024 * 1024, secureCookies: false, logger: false, ui: null,
});
stopOnSignals(server, async () => {
  const incidents = await store.listIncidents({ limit: 10_000 });
  process.stderr.write(`${JSON.stringify({ incidents: incidents.length })}\n`);
  await store.close();
}, () => undefined);
process.stdout.write(`${JSON.stringify({ url: server.url, token, pid: process.pid })}\n`);
