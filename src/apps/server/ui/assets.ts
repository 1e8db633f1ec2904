/**
 * /assets: the UI's scripts and styles, served by the same process from node_modules and web/ (no CDN,
 * no build step). An explicit list, so nothing else on disk can be asked for.
 *
 * diagram.html is the one page with a different Content-Security-Policy: mermaid writes inline styles while
 * it draws, which the app's strict policy forbids. It draws inside a sandboxed iframe (opaque origin: no
 * cookies, no DOM of the app, no network) whose policy allows inline styles and still no inline script.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { packageRoot } from "../../../startup/paths.js";

const require = createRequire(import.meta.url);

function fromPackage(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

interface Asset { file: string; type: string }

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** The files /assets serves, by name: the dashboard's own files are in web/ at the package root. */
export function assetFiles(): Record<string, Asset> {
  const web = join(packageRoot(), "web");
  return {
    "htmx.min.js": { file: fromPackage("htmx.org", "dist/htmx.min.js"), type: JS },
    "uPlot.iife.min.js": { file: fromPackage("uplot", "dist/uPlot.iife.min.js"), type: JS },
    "uPlot.min.css": { file: fromPackage("uplot", "dist/uPlot.min.css"), type: CSS },
    "mermaid.min.js": { file: fromPackage("mermaid", "dist/mermaid.min.js"), type: JS },
    "ui.js": { file: join(web, "ui.js"), type: JS },
    "ui.css": { file: join(web, "ui.css"), type: CSS },
    "diagram.js": { file: join(web, "diagram.js"), type: JS },
    "diagram.html": { file: join(web, "diagram.html"), type: "text/html; charset=utf-8" },
  };
}

/** The diagram frame's policy: scripts only from /assets, inline styles (mermaid's), images only inline, nothing else. */
export const DIAGRAM_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'";

const FRAME_FILES = new Set(["mermaid.min.js", "diagram.js", "diagram.html"]);

export function registerAssets(app: FastifyInstance): void {
  const files = assetFiles();
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { name: string } }>("/assets/:name", { config: { public: true } }, async (request, reply) => {
    const asset = Object.hasOwn(files, request.params.name) ? files[request.params.name] : undefined;
    if (!asset) return reply.code(404).type("text/plain; charset=utf-8").send("not found");
    let body = cache.get(asset.file);
    if (!body) {
      body = await readFile(asset.file);
      cache.set(asset.file, body);
    }
    reply.type(asset.type).header("x-content-type-options", "nosniff").header("cache-control", "public, max-age=3600");
    if (request.params.name === "diagram.html") reply.header("content-security-policy", DIAGRAM_CSP);
    // The diagram frame has an opaque origin: helmet's default CORP (same-origin) would refuse it these public files.
    if (FRAME_FILES.has(request.params.name)) reply.header("cross-origin-resource-policy", "cross-origin");
    return reply.send(body);
  });
}
