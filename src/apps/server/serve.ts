/**
 * Run the server: open the store, build the app, listen, and on SIGINT/SIGTERM stop taking requests,
 * let the ingest engine save what it holds, close the store, exit.
 */
import type { FastifyPluginAsync } from "fastify";
import { buildServer } from "./app.js";
import type { ServerDeps, ServerOptions } from "./contract.js";
import { loadDetection, type DetectionOptions } from "./ingest/detection.js";
import type { Store } from "../../store/types.js";

export interface ServeOptions extends ServerOptions {
  /** The store, already opened (the caller decides where and whether it may be created). */
  store: Store;
  detection?: DetectionOptions;
  logger?: boolean;
  /** The UI plugin; default: src/apps/server/ui when it is built in. */
  ui?: FastifyPluginAsync<ServerDeps> | null;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** The web UI (server/ui), loaded only when a server starts: `scan` and the other commands never pay for it. */
async function builtInUi(): Promise<FastifyPluginAsync<ServerDeps>> {
  return (await import("./ui/index.js")).uiRoutes;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const { store, detection, logger, ui, ...options } = o;
  const deps: ServerDeps = {
    store, options, now: () => new Date(),
    detection: await loadDetection(detection ?? {}),
  };
  const uiPlugin = ui === null ? undefined : ui ?? (await builtInUi());
  const { app } = await buildServer(deps, { logger: logger ?? true, ...(uiPlugin ? { ui: uiPlugin } : {}) });
  const url = await app.listen({ host: options.host, port: options.port });
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => (closing ??= (async () => {
      await app.close(); // stops listening, waits for requests in flight, flushes the ingest engine
    })()),
  };
}

/** Stop cleanly on the first SIGINT/SIGTERM; a second one exits at once. */
export function stopOnSignals(server: RunningServer, onStop: () => Promise<void>, say: (line: string) => void): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    say(`${signal}`);
    void server.close().then(onStop).then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`minerhunt: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
