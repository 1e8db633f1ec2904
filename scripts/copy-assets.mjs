#!/usr/bin/env node
// The CLI is the package's bin: `npx minerhunt` runs it through its shebang, so it must be executable.
// (Data files live under data/ at the package root and are found from there: nothing to copy.)
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
chmodSync(join(root, "dist/cli/main.js"), 0o755);
