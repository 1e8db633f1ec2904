#!/usr/bin/env node
// After tsc: bundle the CLI into dist/bundle/ (scripts/cli-bundle.mjs says the shape and why). A start then
// loads two files instead of several hundred modules. Shipped data is found from the package root
// (src/startup/paths.ts), so nothing depends on where a module sits. The code cache is recorded after
// the data snapshot (scripts/record-code-cache.mjs).
import { join } from "node:path";
import { bundleCli, root } from "./cli-bundle.mjs";

await bundleCli({
  outdir: join(root, "dist", "bundle"),
  // Small pure-JS libraries every start needs are bundled in; the rest stay in node_modules.
  external: [
    "better-sqlite3", "pg", "pg-native", "playwright-core", "mermaid", "argon2", "htmx.org", "uplot",
    "@aws-sdk/*", "@smithy/*", "@kubernetes/*", "@azure/*", "@google-cloud/*",
    "fastify", "@fastify/*", "fastify-type-provider-zod", "openid-client", "cli-progress",
    // Needed by the server, `--config` and checks of data the snapshot lacks, never by a scan's start
    // (startup/scan-imports.test.ts): left out, they cost a start nothing, not even the parse.
    "zod", "yaml",
  ],
});
