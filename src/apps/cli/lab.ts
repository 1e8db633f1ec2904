/** `minerhunt lab`: serve the fake AWS account on 127.0.0.1 until interrupted (docs/aws.md). */
import { Command, Option } from "commander";
import { resolveLang, t } from "../../i18n/index.js";
import { EXIT_ERROR, printError } from "./errors.js";

export function registerLabCommand(program: Command): Command {
  return program.command("lab")
    .description("Serve a fake, seeded, compromised AWS account on 127.0.0.1 (EC2, IAM, STS, CloudTrail, Auto Scaling, GuardDuty, Budgets, Organizations) for tests and game days")
    .option("--port <n>", "port (0: any free port)", "4566")
    .option("--seed <name>", "scenario data/lab/<name>.yaml", "default")
    .option("--fail-region <region...>", "also make these regions answer every call with an error")
    .option("--benign-per-region <n>", "benign instances per region (the bench uses 2000)")
    .addOption(new Option("--lang <lang>", "language of the banner").choices(["en", "th"]))
    .addHelpText("after", `
Calls counted per operation: GET http://127.0.0.1:PORT/_lab/calls (DELETE resets).
Faults: POST /_lab/faults {"operation":"CreateSnapshot","match":"vol-...","code":"IncorrectState","times":1}
        (code RequestLimitExceeded answers 503 and tests backoff); DELETE /_lab/faults clears them.
The first line on stdout is the URL, for scripts.`)
    .action(async (opts: { port: string; seed: string; failRegion?: string[]; benignPerRegion?: string; lang?: string }) => {
      try {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected 0..65535, got "${opts.port}"`);
        const benign = opts.benignPerRegion === undefined ? undefined : Number(opts.benignPerRegion);
        if (benign !== undefined && (!Number.isInteger(benign) || benign < 0 || benign > 100_000)) throw new Error(`--benign-per-region: expected 0..100000, got "${opts.benignPerRegion}"`);
        const { startLab, LAB_CREDENTIALS } = await import("../../respond/lab/index.js");
        const lab = await startLab({ seed: opts.seed, port, failRegions: opts.failRegion, benignPerRegion: benign });
        const lang = resolveLang(opts.lang);
        process.stdout.write(`${lab.url}\n`);
        process.stderr.write(t(lang, "aws.lab.listening", { account: lab.world.account, url: lab.url, seed: opts.seed }) + "\n");
        process.stderr.write(t(lang, "aws.lab.credentials", { key: LAB_CREDENTIALS.accessKeyId, secret: LAB_CREDENTIALS.secretAccessKey }) + "\n");
        const stop = () => { void lab.close().then(() => process.exit(0)); };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      } catch (err) {
        printError(err);
        process.exitCode = EXIT_ERROR;
      }
    });
}
