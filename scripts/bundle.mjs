#!/usr/bin/env node
// After tsc: bundle the CLI's own modules into a few files (dist/bundle/), so a start loads a handful of
// modules instead of several hundred (module loading was most of a one-line scan's 0.5 CPU-s). The lazy
// command table stays lazy: each dynamic import becomes its own chunk. Shipped data is found from the
// package root (src/startup/paths.ts), so nothing depends on where a module sits.
import { build } from "esbuild";
import { chmodSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true }); // chunk names carry hashes: old ones would pile up
await build({
  entryPoints: { minerhunt: join(root, "src", "apps", "cli", "main.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Small pure-JS libraries every start needs are bundled in; the rest (native addons, Chromium's driver,
  // the UI assets, the server and the cloud SDKs, which locate their own files or load lazily) stay external.
  external: [
    "better-sqlite3", "pg", "pg-native", "playwright-core", "mermaid", "argon2", "htmx.org", "uplot",
    "@aws-sdk/*", "@smithy/*", "@kubernetes/*", "@azure/*", "@google-cloud/*",
    "fastify", "@fastify/*", "fastify-type-provider-zod", "openid-client", "cli-progress",
  ],
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS packages (commander, yaml) require Node's built-ins: give every output file a require.
  banner: { js: 'import { createRequire as __minerhuntRequire } from "node:module"; const require = __minerhuntRequire(import.meta.url);' },
  logLevel: "warning",
});
chmodSync(join(outdir, "minerhunt.js"), 0o755);
