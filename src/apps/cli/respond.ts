/**
 * `minerhunt respond actions|policy|plan|list|show|approve|execute|undo`: the response workflow of
 * respond/service.ts. Thin: it parses what the person asked, calls the service and prints.
 *
 * Nothing changes without --execute (and destructive steps also need --yes); every step, previewed or done,
 * is in the audit log. Exit codes: 0 ok, 1 a step failed or was refused (or was skipped because its gate
 * failed), 2 a usage error, an unknown plan or incident, or a refusal to approve or execute.
 */
import { userInfo } from "node:os";
import { Command, Option } from "commander";
import { resolveLang, t } from "../../i18n/index.js";
import type { Lang } from "../../i18n/index.js";
import type { PlanMode } from "../../model/index.js";
import { PLAN_MODES } from "../../model/index.js";
import { defaultRegistry } from "../../respond/actions/index.js";
import { responseContext } from "../../respond/context.js";
import { connectClouds } from "../../respond/connectors/cloud-clients.js";
import { leastPrivilegePolicy } from "../../respond/registry.js";
import type { ResponseStore } from "../../respond/service.js";
import { GATE_FAILED, approvePlan, executePlan, planIncident, planState, undoPlan } from "../../respond/service.js";
import { loadConfig } from "../../pipeline/config.js";
import { defaultStoreLocation, openStore } from "../../store/index.js";
import { terminal } from "../../present/escape.js";
import { auditWarning } from "./audit.js";
import { EXIT_CLEAN, EXIT_FOUND } from "./errors.js";
import { formatActions, formatFailures, formatPlan, formatPlanList, formatRuns, tally } from "./respond-format.js";

export interface RespondCommandDeps {
  write?: (text: string) => void;
  setExitCode?: (code: number) => void;
  env?: NodeJS.ProcessEnv;
}

interface GlobalOptions { db?: string; lang?: string; format: "text" | "json"; json?: boolean; config?: string; hostRoot?: string; kubeconfig?: string; context?: string; subscription?: string[]; project?: string[]; aws?: boolean; awsEndpoint?: string }

function defaultActor(env: NodeJS.ProcessEnv): string {
  const fromEnv = env["MINERHUNT_USER"] || env["USER"] || env["LOGNAME"];
  if (fromEnv) return fromEnv;
  try { return userInfo().username; } catch { return "analyst"; }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];

export function registerRespondCommand(program: Command, deps: RespondCommandDeps = {}): Command {
  const env = deps.env ?? process.env;
  const write = deps.write ?? ((text: string) => { process.stdout.write(text); });
  const setExitCode = deps.setExitCode ?? ((code: number) => { process.exitCode = code; });
  const helpLang = resolveLang(undefined, env);
  const BY = "who acts (default: $MINERHUNT_USER or the login name)";

  const respond = program.command("respond")
    .description(t(helpLang, "respond.description"))
    .option("--db <location>", "SQLite file or postgres:// URL (default: MINERHUNT_DB, else ~/.local/share/minerhunt/minerhunt.db)")
    .option("--config <file>", "site config: allowlist.hosts and respond.protect are never acted on")
    .option("--host-root <dir>", "file-system root the local host actions act under (default: none, host actions are refused)")
    .option("--aws", "AWS: act with the SDK's default credentials (AWS_PROFILE, environment, SSO, instance role)")
    .option("--aws-endpoint <url>", "AWS: send every call here (minerhunt lab: http://127.0.0.1:PORT; a loopback endpoint gets the lab's dummy keys); implies --aws")
    .option("--kubeconfig <file>", "Kubernetes: kubeconfig file (with --context; either one enables the Kubernetes actions)")
    .option("--context <name>", "Kubernetes: kubeconfig context")
    .option("--subscription <id...>", "Azure: subscription ids to act in (DefaultAzureCredential)")
    .option("--project <id...>", "GCP: project ids to act in (Application Default Credentials)")
    .addOption(new Option("--lang <lang>", "language of the text output (default from LC_ALL/LANG)").choices(["th", "en"]))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--json", "the same as --format json");

  const globals = (cmd: Command): GlobalOptions & { language: Lang } => {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    return { ...opts, format: opts.json ? "json" : opts.format, language: resolveLang(opts.lang, env) };
  };
  const out = (text: string): void => write(text.endsWith("\n") ? text : `${text}\n`);
  const json = (value: unknown): void => out(JSON.stringify(value, null, 2));

  /** Run with the store open (and its audit log checked), closing it whatever happens. */
  const withStore = async (cmd: Command, fn: (store: ResponseStore, o: GlobalOptions & { language: Lang }) => Promise<void>): Promise<void> => {
    const o = globals(cmd);
    const location = o.db ?? defaultStoreLocation(env);
    const store = await openStore(location);
    try {
      const warning = await auditWarning(store, location, env);
      if (warning) process.stderr.write(`${warning}\n`);
      await fn(store, o);
    } finally {
      await store.close();
    }
  };
  const context = async (o: GlobalOptions, by: string | undefined) => {
    const ctx = responseContext(by ?? defaultActor(env), loadConfig(o.config), o.hostRoot !== undefined ? { hostRoot: o.hostRoot } : {});
    // Cloud and cluster SDKs load slowly: only those the person named are loaded.
    Object.assign(ctx.clients, await connectClouds({ kubeconfig: o.kubeconfig, kubeContext: o.context, azureSubscriptions: o.subscription, gcpProjects: o.project }));
    if (o.aws || o.awsEndpoint !== undefined) {
      const [{ awsClientsFor, isLoopbackEndpoint }, { LAB_CREDENTIALS }] = await Promise.all([
        import("../../respond/connectors/aws/clients.js"), import("../../respond/lab/index.js"),
      ]);
      if (o.awsEndpoint !== undefined && isLoopbackEndpoint(o.awsEndpoint)) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
      ctx.clients.aws = awsClientsFor({ endpoint: o.awsEndpoint, labCredentials: LAB_CREDENTIALS });
    }
    return ctx;
  };

  respond.command("actions")
    .description("List the response actions: provider, risk, whether they can be undone, the permissions they need")
    .action((_opts: unknown, cmd: Command) => {
      const o = globals(cmd);
      const actions = defaultRegistry().list();
      if (o.format === "json") json(actions.map((a) => ({ name: a.name, title: a.title, provider: a.provider, risk: a.risk, undoable: a.undoable, permissions: a.permissions })));
      else out(formatActions(o.language, actions));
    });

  respond.command("policy")
    .description("Print the least-privilege policy the actions need (IAM policy, Azure and GCP custom roles, Kubernetes ClusterRole)")
    .option("--action <name>", "only these actions (repeat or comma-separate)", collect)
    .action((opts: { action?: string[] }) => {
      const registry = defaultRegistry();
      const unknown = (opts.action ?? []).filter((n) => !registry.has(n));
      if (unknown.length) throw new Error(`unknown action ${unknown.join(", ")} (minerhunt respond actions lists them)`);
      const actions = opts.action ? registry.list().filter((a) => opts.action!.includes(a.name)) : registry.list();
      json(leastPrivilegePolicy(actions));
    });

  respond.command("plan")
    .description("Make a plan for an incident: steps, targets with their state before and after, exact calls, risk, undo, USD/hour. Changes nothing")
    .argument("<incident>", "incident id or a unique prefix of it")
    .addOption(new Option("--mode <mode>", "preserve evidence first, or terminate now (pure cost)").choices([...PLAN_MODES]).default("preserve-evidence"))
    .option("--item <id>", "only this checklist item, e.g. containment.isolate (repeat or comma-separate)", collect)
    .option("--by <name>", BY)
    .action(async (incident: string, opts: { mode: PlanMode; item?: string[]; by?: string }, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const plan = await planIncident(store, await context(o, opts.by), { incidentId: incident, mode: opts.mode, ...(opts.item ? { items: opts.item } : {}) });
        if (o.format === "json") { json(plan); return; }
        out(formatPlan(o.language, plan));
        out(terminal(t(o.language, "respond.plan.next", { id: plan.id })));
      });
    });

  respond.command("list")
    .description("List the plans, newest first")
    .argument("[incident]", "only this incident's plans")
    .action(async (incident: string | undefined, _opts: unknown, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const inc = incident === undefined ? undefined : await store.getIncident(incident);
        if (incident !== undefined && !inc) throw new Error(`no incident "${terminal(incident)}" (minerhunt incident list shows the ids)`);
        const plans = await store.listPlans(inc?.id);
        if (o.format === "json") json(plans);
        else out(formatPlanList(o.language, plans));
      });
    });

  respond.command("show")
    .description("Show a plan with its approvals and the state of every step")
    .argument("<plan>", "plan id or a unique prefix of it")
    .action(async (planId: string, _opts: unknown, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const state = await planState(store, planId);
        if (o.format === "json") json(state);
        else out(formatPlan(o.language, state.plan, state));
      });
    });

  respond.command("approve")
    .description("Approve a plan's current content (its hash): any change to the plan voids the approval")
    .argument("<plan>", "plan id or a unique prefix of it")
    .requiredOption("--reason <text>", "why it may run (ticket, evidence)")
    .option("--by <name>", "who approves (default: $MINERHUNT_USER or the login name)")
    .option("--no-four-eyes", "allow the plan's author to approve it (single-person teams; recorded in the audit log as usual)")
    .action(async (planId: string, opts: { reason: string; by?: string; fourEyes: boolean }, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const by = opts.by ?? defaultActor(env);
        const approval = await approvePlan(store, planId, { by, reason: opts.reason, fourEyes: opts.fourEyes });
        if (o.format === "json") json(approval);
        else out(terminal(t(o.language, "respond.approved", { id: approval.planId, by, hash: `${approval.planHash.slice(0, 16)}…` })));
      });
    });

  respond.command("execute")
    .description("Run an approved plan. Without --execute: a dry run that changes nothing and is audited")
    .argument("<plan>", "plan id or a unique prefix of it")
    .option("--execute", "really change things (needs an approval of the plan's current content)")
    .option("--yes", "also run destructive steps (terminate, delete): the second confirmation")
    .option("--confirm <step>", "a manual step the person has carried out (repeat or comma-separate)", collect)
    .option("--no-four-eyes", "let the plan's author execute it, or accept the author's own approval (single-person teams)")
    .option("--by <name>", BY)
    .action(async (planId: string, opts: { execute?: boolean; yes?: boolean; confirm?: string[]; fourEyes: boolean; by?: string }, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const plan = (await planState(store, planId)).plan;
        const runs = await executePlan(store, await context(o, opts.by), plan.id, {
          execute: opts.execute === true, yes: opts.yes === true, fourEyes: opts.fourEyes, ...(opts.confirm ? { confirm: opts.confirm } : {}),
        });
        const state = await planState(store, plan.id);
        const gateFailed = Object.values(state.steps).some((r) => r?.status === "skipped" && r.error?.startsWith(GATE_FAILED));
        const counts = tally(state);
        setExitCode(counts.failed > 0 || counts.refused > 0 || gateFailed ? EXIT_FOUND : EXIT_CLEAN);
        if (o.format === "json") { json({ runs, state }); return; }
        out(runs.length ? formatRuns(o.language, plan, runs) : t(o.language, "respond.execute.nothing"));
        const failures = formatFailures(o.language, state);
        if (failures) out(failures);
        out(t(o.language, "respond.execute.summary", { id: plan.id, ...counts }));
        if (!opts.execute) out(t(o.language, "respond.execute.dryRun"));
      });
    });

  respond.command("undo")
    .description("Undo the plan's undoable steps (or only --step ...) from what their execution kept, last done first")
    .argument("<plan>", "plan id or a unique prefix of it")
    .option("--step <id>", "only this step (repeat or comma-separate)", collect)
    .option("--by <name>", BY)
    .action(async (planId: string, opts: { step?: string[]; by?: string }, cmd: Command) => {
      await withStore(cmd, async (store, o) => {
        const plan = (await planState(store, planId)).plan;
        const runs = await undoPlan(store, await context(o, opts.by), plan.id, opts.step);
        setExitCode(runs.some((r) => r.status === "failed") ? EXIT_FOUND : EXIT_CLEAN);
        if (o.format === "json") json(runs);
        else out(runs.length ? formatRuns(o.language, plan, runs) : t(o.language, "respond.undo.nothing"));
      });
    });

  return respond;
}
