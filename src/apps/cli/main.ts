import { boundHeapGrowth, capYoungGeneration, growYoungGenerationInOneStep } from "../../startup/heap.js";
import { printError, EXIT_ERROR } from "./errors.js";
import { buildProgram, COMMAND_NAMES, commandNamed } from "./commands.js";

// Peak memory about twice what a scan holds, not four times, and a young generation that stops growing
// at 2 x 8 MiB however long the scan runs, reached in one step (startup/heap.ts). The launcher sets the same
// flags before it compiles the bundle; these calls are for main.ts run without it.
boundHeapGrowth();
growYoungGenerationInOneStep();
capYoungGeneration();

// `minerhunt incident list | head`: a closed pipe is the reader saying "enough", not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const args = process.argv.slice(2);
const named = commandNamed(args);
// `--version` alone needs no command at all.
const onlyVersion = args.length === 1 && (args[0] === "--version" || args[0] === "-V");
buildProgram(onlyVersion ? [] : named !== undefined ? [named] : COMMAND_NAMES)
  .then((program) => program.parseAsync(process.argv))
  .catch((err: unknown) => {
    printError(err);
    process.exitCode = EXIT_ERROR;
  });
