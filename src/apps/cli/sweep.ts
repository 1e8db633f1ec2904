/**
 * `minerhunt sweep aws|kubernetes|azure|gcp` (aws: sweep-aws.ts): list what looks like a miner in a cluster (workloads by their
 * owning controller) or in every location/zone of Azure subscriptions or GCP projects (VMs), and say what
 * could not be read. Read-only: it changes nothing (respond plan/execute act).
 * Exit codes: 0 nothing suspicious, 1 something suspicious, 2 error (or nothing could be read at all).
 */
import { Command, Option } from "commander";
import { loadIntel } from "../../intel/index.js";
import { resolveLang, t, type Lang } from "../../i18n/index.js";
import { terminal } from "../../present/escape.js";
import { connectClouds, type CloudClientOptions } from "../../respond/connectors/cloud-clients.js";
import type { ResponseClients } from "../../respond/types.js";
import type { MinerSign } from "../../respond/connectors/miner-signs.js";
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, printError } from "./errors.js";
import { addSweepAwsCommand } from "./sweep-aws.js";

export interface SweepCommandDeps {
  write?: (text: string) => void;
  setExitCode?: (code: number) => void;
  /** Builds the clients (tests hand in clients pointed at the fakes). */
  connect?: (o: CloudClientOptions) => Promise<Partial<ResponseClients>>;
}

const signText = (signs: readonly MinerSign[]) => signs.map((s) => `${s.kind}: ${s.value}${s.strong ? "" : " (weak)"}`).join("; ");

interface Unreachable { scope: string; reason: string }

function finish(deps: Required<Pick<SweepCommandDeps, "write" | "setExitCode">>, lang: Lang, provider: string, scope: string, total: number, lines: string[], unreachable: Unreachable[], json: unknown, asJson: boolean, readAnything: boolean): void {
  if (asJson) {
    deps.write(JSON.stringify(json, null, 2) + "\n");
  } else {
    const out = [t(lang, "sweep.header", { provider, scope, suspicious: lines.length, total }), ...lines.map((l) => `  ${l}`)];
    if (lines.length === 0) out.push(`  ${t(lang, "sweep.none")}`);
    for (const u of unreachable) out.push(t(lang, "sweep.unreachable", { scope: u.scope, reason: u.reason }));
    deps.write(out.map(terminal).join("\n") + "\n");
  }
  deps.setExitCode(!readAnything ? EXIT_ERROR : lines.length ? EXIT_FOUND : EXIT_CLEAN);
}

export function registerSweepCommand(program: Command, deps: SweepCommandDeps = {}): Command {
  const io = {
    write: deps.write ?? ((text: string) => { process.stdout.write(text); }),
    setExitCode: deps.setExitCode ?? ((code: number) => { process.exitCode = code; }),
  };
  const connect = deps.connect ?? connectClouds;
  const sweep = program.command("sweep").description("Look for miners across a cloud or cluster: every namespace, location or zone (read-only)");
  addSweepAwsCommand(sweep);
  const lang = new Option("--lang <lang>", "output language: th or en (default: from the locale)");
  const run = (fn: () => Promise<void>) => fn().catch((err: unknown) => { printError(err); io.setExitCode(EXIT_ERROR); });

  sweep.command("kubernetes")
    .description("Workloads (pods, Deployments, DaemonSets, StatefulSets, Jobs, CronJobs) whose images, commands or arguments look like miners, by owning controller")
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
    .option("--context <name>", "kubeconfig context (default: its current-context)")
    .option("--namespace <ns...>", "only these namespaces (default: all)")
    .option("--json", "JSON output")
    .addOption(lang)
    .action((o: { kubeconfig?: string; context?: string; namespace?: string[]; json?: boolean; lang?: string }) => run(async () => {
      const l = resolveLang(o.lang);
      const clients = await connect({ kubernetes: true, kubeconfig: o.kubeconfig, kubeContext: o.context });
      const client = clients.kubernetes;
      if (!client) throw new Error(t(l, "respond.k8s.noClient"));
      const { sweepKubernetes } = await import("../../respond/connectors/kubernetes/sweep.js");
      const s = await sweepKubernetes(client, loadIntel(), { namespaces: o.namespace });
      const lines = s.suspicious.map((w) => `${w.kind} ${w.namespace}/${w.name}  pods=${w.pods}  ${w.images.join(",")}  ${w.foreignOwner ? `owned by ${w.foreignOwner}  ` : ""}${signText(w.signs)}`);
      const total = Object.values(s.counts).reduce((a, b) => a + (b ?? 0), 0);
      const json = { cluster: s.cluster, counts: s.counts, unreachable: s.unreachable, suspicious: s.suspicious.map(({ object: _o, ...w }) => w) };
      finish(io, l, "Kubernetes", s.cluster, total, lines, s.unreachable, json, o.json === true, Object.keys(s.counts).length > 0);
    }));

  sweep.command("azure")
    .description("VMs in every location of the subscriptions (listAll + instanceView, userData, tags, GPU sizes)")
    .option("--subscription <id...>", "subscription ids (default: every enabled subscription the credential lists)")
    .option("--json", "JSON output")
    .addOption(lang)
    .action((o: { subscription?: string[]; json?: boolean; lang?: string }) => run(async () => {
      const l = resolveLang(o.lang);
      const clients = await connect({ azureSubscriptions: o.subscription ?? [] });
      if (!clients.azure) throw new Error(t(l, "respond.cloud.noClient", { provider: "Azure" }));
      const { azureBackend } = await import("../../respond/connectors/azure/vms.js");
      vmSweep(io, l, "Azure", await azureBackend(clients.azure).sweep(loadIntel()), o.json === true);
    }));

  sweep.command("gcp")
    .description("Compute Engine instances in every zone of the projects (aggregatedList: startup scripts, labels, GPUs)")
    .requiredOption("--project <id...>", "project ids")
    .option("--json", "JSON output")
    .addOption(lang)
    .action((o: { project: string[]; json?: boolean; lang?: string }) => run(async () => {
      const l = resolveLang(o.lang);
      const clients = await connect({ gcpProjects: o.project });
      if (!clients.gcp) throw new Error(t(l, "respond.cloud.noClient", { provider: "GCP" }));
      const { gcpBackend } = await import("../../respond/connectors/gcp/vms.js");
      vmSweep(io, l, "GCP", await gcpBackend(clients.gcp).sweep(loadIntel()), o.json === true);
    }));
  return sweep;
}

function vmSweep(io: Required<Pick<SweepCommandDeps, "write" | "setExitCode">>, lang: Lang, provider: string, s: import("../../respond/connectors/vm.js").VmSweep, asJson: boolean): void {
  const lines = s.suspicious.map((v) => `${v.name}  ${v.size}  ${v.location}  ${v.account}  ${v.power}  ${signText(v.signs)}`);
  const json = { provider: s.provider, accounts: s.accounts, calls: s.calls, unreachable: s.unreachable, suspicious: s.suspicious, scanned: s.vms.length };
  const readAnything = s.accounts.length > 0 && s.unreachable.filter((u) => /^(project|subscription)/.test(u.scope)).length < s.accounts.length;
  finish(io, lang, provider, s.accounts.join(", ") || "-", s.vms.length, lines, s.unreachable, json, asJson, readAnything);
}
