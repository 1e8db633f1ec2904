/**
 * `minerhunt sweep aws` (added to the sweep command of sweep.ts): every enabled region, every instance, user data scanned, launcher from CloudTrail,
 * price per hour (docs/aws.md). Read-only. Exit 0 nothing suspect, 1 suspects found, 2 error.
 */
import { setMaxListeners } from "node:events";
import { Command, Option } from "commander";
import { resolveLang } from "../../i18n/index.js";
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, printError } from "./errors.js";

function positive(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number of at least 1, got "${v}"`);
    return n;
  };
}

/** A local endpoint is the lab (or another fake): it gets the lab's dummy keys, never the real credential chain. */
export { isLoopbackEndpoint as isLocalEndpoint } from "../../respond/connectors/aws/clients.js";

export function addSweepAwsCommand(sweep: Command): void {
  sweep.command("aws")
    .description("Every enabled AWS region in parallel: instances, user data scanned for miner strings, who launched them (CloudTrail), USD per hour; recent IAM users and keys")
    .option("--regions <list>", "comma-separated regions (default: every region DescribeRegions lists)")
    .option("--endpoint <url>", "send every call here (minerhunt lab: http://127.0.0.1:PORT); a local endpoint gets the lab's dummy credentials")
    .option("--json", "print the whole result as JSON")
    .option("--all", "list every instance, not only the suspects")
    .option("--no-user-data", "do not read user data (one call per instance: most of a big sweep's time); suspects then come from CloudTrail alone")
    .option("--concurrency <n>", "regions swept at once", positive("--concurrency"), 6)
    .option("--recent-days <n>", "IAM users and keys created within this many days are listed", positive("--recent-days"), 7)
    .addOption(new Option("--lang <lang>", "language of the text output").choices(["en", "th"]))
    .addHelpText("after", `
Credentials come from the AWS SDK's default chain (AWS_PROFILE, environment, SSO, instance role); the
sweep needs ec2:DescribeRegions, ec2:DescribeInstances, ec2:DescribeInstanceAttribute,
cloudtrail:LookupEvents, iam:ListUsers, iam:ListAccessKeys, sts:GetCallerIdentity.
A region that fails is listed with its error; the sweep goes on. Exit: 0 nothing suspect, 1 suspects, 2 error.`)
    .action(async (opts: { regions?: string; endpoint?: string; json?: boolean; all?: boolean; userData: boolean; concurrency: number; recentDays: number; lang?: string }) => {
      try {
        const lang = resolveLang(opts.lang);
        const [{ awsClientsFor, isLoopbackEndpoint }, { sweepAws }, { formatSweep }, { loadIntel }, { LAB_CREDENTIALS }, { sweepPrices }] = await Promise.all([
          import("../../respond/connectors/aws/clients.js"), import("../../respond/connectors/aws/sweep.js"), import("../../respond/connectors/aws/format.js"),
          import("../../intel/index.js"), import("../../respond/lab/index.js"), import("../../respond/connectors/aws/prices.js"),
        ]);
        if (opts.endpoint !== undefined && isLoopbackEndpoint(opts.endpoint)) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
        const clients = awsClientsFor({ endpoint: opts.endpoint, labCredentials: LAB_CREDENTIALS });
        const regions = opts.regions?.split(",").map((r) => r.trim()).filter(Boolean);
        const abort = new AbortController();
        // Every in-flight SDK call listens on the one signal.
        setMaxListeners(0, abort.signal);
        process.once("SIGINT", () => abort.abort());
        try {
          const result = await sweepAws(clients, loadIntel(), sweepPrices(), { regions, regionConcurrency: opts.concurrency, recentDays: opts.recentDays, userData: opts.userData, signal: abort.signal });
          process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatSweep(result, lang, { all: opts.all, recentDays: opts.recentDays }));
          process.exitCode = result.suspects.length ? EXIT_FOUND : EXIT_CLEAN;
        } finally {
          clients.destroy();
        }
      } catch (err) {
        printError(err);
        process.exitCode = EXIT_ERROR;
      }
    });
}
