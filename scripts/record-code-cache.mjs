#!/usr/bin/env node
// Last step of `npm run build`: record V8's code cache for dist/bundle/minerhunt.cjs (src/startup/code-cache.ts)
// with a scan of examples/, after the data snapshot is written, so the scan runs as later starts will.
import { join } from "node:path";
import { recordCodeCache, root } from "./cli-bundle.mjs";

const state = recordCodeCache(join(root, "dist", "bundle", "minerhunt.js"));
if (state !== "code cache: used") console.error(`record-code-cache: ${state}: starts will compile the CLI as usual (slower, not wrong)`);
else console.log(`record-code-cache: ${state}`);
