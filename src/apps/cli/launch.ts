#!/usr/bin/env node
/**
 * The `minerhunt` command as installed (dist/bundle/minerhunt.js): sets the heap's flags, then runs the CLI
 * (main.ts, bundled into minerhunt.cjs beside this file) through V8's code cache (startup/code-cache.ts).
 * The flags (heap growth, young generation, tier-up budget) come first because V8 rejects a cache made under other flags.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBundle } from "../../startup/code-cache.js";
import { boundHeapGrowth, growYoungGenerationInOneStep, undoYoungGenerationCap } from "../../startup/heap.js";
import { delayTierUp } from "../../startup/tier-up.js";

boundHeapGrowth();
growYoungGenerationInOneStep();
delayTierUp();
runBundle(join(dirname(fileURLToPath(import.meta.url)), "minerhunt.cjs"), { beforeRecord: undoYoungGenerationCap });
