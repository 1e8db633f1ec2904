#!/usr/bin/env node
// tsc compiles TypeScript only: data files that modules read from beside themselves are copied here,
// and the CLI entry point is made executable.
import { chmodSync, cpSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ASSETS = ["detect/sigma/data", "sources/container/data", "sources/windows/data", "server/ui/public"];
for (const rel of ASSETS) {
  const from = join(root, "src", rel);
  if (!existsSync(from)) throw new Error(`copy-assets: ${from} is missing`);
  cpSync(from, join(root, "dist", rel), { recursive: true });
}

// The CLI is the package's bin: `npx minerhunt` runs it through its shebang, so it must be executable.
chmodSync(join(root, "dist/cli/main.js"), 0o755);
