/**
 * The action plan page: every step with its target, the exact call, risk and money, its approvals, and the
 * approve / dry run / execute / undo buttons, which call the respond service (respond/service.ts) as the
 * signed-in user. Step status is live: /plans/:id/events is a server-sent event stream of new step runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { formatTime, formatUsd, pick } from "../../../i18n/index.js";
import type { Lang } from "../../../i18n/index.js";
import type { Plan, StepRun } from "../../../model/index.js";
import { approvePlan, executePlan, planState, undoPlan } from "../../../respond/service.js";
import type { PlanState } from "../../../respond/service.js";
import { roleAtLeast } from "../contract.js";
import type { AuthUser } from "../contract.js";
import { href, html } from "./html.js";
import type { SafeHtml } from "./html.js";
import { field, refusal } from "./incident-routes.js";
import { csrfField, langOf, page, redirect, sendPage, translator } from "./page.js";
import type { Tr } from "./page.js";
import { respondContext } from "./types.js";
import type { UiDeps } from "./types.js";

type IdParams = { Params: { id: string } };

/** The plan and what happened to it; the stored records alone when the respond service cannot say. */
async function stateOf(deps: UiDeps, plan: Plan): Promise<PlanState> {
  try {
    return await planState(deps.store, plan.id);
  } catch {
    const [approvals, runs] = await Promise.all([deps.store.approvals(plan.id), deps.store.stepRuns(plan.id)]);
    const steps: Record<string, StepRun | undefined> = {};
    for (const r of runs) steps[r.stepId] = r;
    const validApproval = approvals.find((a) => a.planHash === plan.hash);
    return { plan, approvals, runs, steps, ...(validApproval ? { validApproval } : {}) };
  }
}

function stepLabel(tr: Tr, status: string): string {
  return tr(`ui.step.${status as StepRun["status"]}`);
}

function planBody(tr: Tr, lang: Lang, state: PlanState, user: AuthUser | undefined, error?: string): SafeHtml {
  const p = state.plan;
  const can = (role: "responder") => (user ? roleAtLeast(user.role, role) : false);
  const base = href("/plans", [p.id]);
  return html`${error ? html`<p class="error" role="alert">${error}</p>` : ""}
<h1>${tr("ui.plan.title")} <code>${p.id}</code></h1>
<dl class="facts">
${p.incidentId ? html`<dt>${tr("field.id")}</dt><dd><a href="${href("/incidents", [p.incidentId])}"><code>${p.incidentId}</code></a></dd>` : ""}
<dt>${tr("ui.plan.mode")}</dt><dd>${tr(`ui.plan.mode.${p.mode}`)}</dd>
<dt>${tr("ui.plan.made")}</dt><dd>${p.createdBy} &middot; ${formatTime(p.createdAt)}</dd>
<dt>${tr("ui.queue.usdPerHour")}</dt><dd>${formatUsd(p.usdPerHour)}</dd>
<dt>${tr("ui.plan.hash")}</dt><dd><code>${p.hash}</code></dd>
<dt>${tr("ui.plan.approval")}</dt><dd data-approval="${state.validApproval ? "valid" : "none"}">${state.validApproval
    ? tr("ui.plan.approvedBy", { by: state.validApproval.by, at: formatTime(state.validApproval.at), reason: state.validApproval.reason })
    : tr("ui.plan.notApproved")}</dd>
</dl>
${p.unreachable.length ? html`<p class="notice">${tr("ui.plan.unreachable")}: ${p.unreachable.map((u) => `${u.scope} (${u.reason})`).join("; ")}</p>` : ""}
<table class="steps" data-events="${`${base}/events`}"><thead><tr><th>#</th><th>${tr("ui.plan.step")}</th><th>${tr("ui.plan.target")}</th><th>${tr("ui.plan.call")}</th><th>${tr("ui.plan.risk")}</th><th class="num">USD/h</th><th>${tr("field.status")}</th></tr></thead><tbody>
${p.steps.map((s, n) => {
    const run = state.steps[s.id];
    const status = run?.status ?? (s.refused ? "refused" : "planned");
    return html`<tr><td>${n + 1}</td><td><strong>${s.action}</strong><br><span class="muted">${pick(s.why, lang)}</span>${s.refused ? html`<br><span class="error">${pick(s.refused.reason, lang)}</span>` : ""}</td>
<td>${s.target.label ?? s.target.id}<br><code class="muted">${s.target.kind} &middot; ${s.target.provider}</code></td>
<td><code>${s.call}</code></td><td><span class="badge">${tr(`ui.risk.${s.risk}`)}</span>${s.undoable ? "" : html` <span class="muted">${tr("ui.plan.noUndo")}</span>`}</td>
<td class="num">${s.usdPerHour !== undefined ? formatUsd(s.usdPerHour) : "—"}</td>
<td><span class="status step-${status}" data-step-status="${s.id}">${stepLabel(tr, status)}${run?.dryRun ? ` (${tr("ui.plan.dryRun")})` : ""}</span>${run?.error ? html`<br><span class="muted">${run.error}</span>` : ""}</td></tr>`;
  })}
</tbody></table>
${can("responder") ? html`<div class="grid">
<div>
<h2>${tr("ui.plan.approve")}</h2>
<form class="row" method="post" action="${`${base}/approve`}">${csrfField(user)}
  <input type="text" name="reason" required maxlength="2000" placeholder="${tr("ui.plan.reason")}" aria-label="${tr("ui.plan.reason")}">
  <button type="submit" class="primary" id="approve">${tr("ui.plan.approve")}</button>
</form>
<h2>${tr("ui.plan.execute")}</h2>
<form class="row" method="post" action="${`${base}/execute`}">${csrfField(user)}<input type="hidden" name="execute" value="false">
  <button type="submit" id="dry-run">${tr("ui.plan.dryRunButton")}</button>
</form>
<form class="row" method="post" action="${`${base}/execute`}" data-confirm="${tr("ui.plan.confirmExecute")}">${csrfField(user)}<input type="hidden" name="execute" value="true">
  <label><input type="checkbox" name="yes" value="true"> ${tr("ui.plan.yesDestructive")}</label>
  <button type="submit" class="danger" id="execute">${tr("ui.plan.executeButton")}</button>
</form>
<h2>${tr("ui.plan.undo")}</h2>
<form class="row" method="post" action="${`${base}/undo`}" data-confirm="${tr("ui.plan.confirmUndo")}">${csrfField(user)}
  <button type="submit" id="undo">${tr("ui.plan.undo")}</button>
</form>
</div>
<div></div>
</div>` : ""}
<h2>${tr("ui.plan.history")}</h2>
<table><thead><tr><th>${tr("timeline.time")}</th><th>${tr("ui.plan.step")}</th><th>${tr("field.status")}</th><th>${tr("ui.timeline.who")}</th></tr></thead><tbody>
${state.approvals.map((a) => html`<tr><td class="when">${formatTime(a.at)}</td><td>${tr("ui.plan.approval")}</td><td>${a.planHash === p.hash ? tr("ui.plan.valid") : tr("ui.plan.void")}: ${a.reason}</td><td>${a.by}</td></tr>`)}
${state.runs.map((r) => html`<tr><td class="when">${formatTime(r.at)}</td><td><code>${r.stepId}</code></td><td>${stepLabel(tr, r.status)}${r.dryRun ? ` (${tr("ui.plan.dryRun")})` : ""}${r.error ? html` &middot; ${r.error}` : ""}</td><td>${r.by}</td></tr>`)}
</tbody></table>`;
}

export function registerPlanRoutes(app: FastifyInstance, deps: UiDeps): void {
  async function findPlan(request: FastifyRequest<IdParams>, reply: FastifyReply): Promise<Plan | undefined> {
    const plan = await deps.store.getPlan(request.params.id).catch(() => undefined);
    if (plan) return plan;
    const lang = langOf(request);
    const tr = translator(lang);
    await sendPage(reply, page({ lang, user: request.user, title: tr("ui.notFound"), path: "/", body: html`<h1>${tr("ui.notFound")}</h1><p><code>${request.params.id}</code></p>` }), 404);
    return undefined;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, plan: Plan, error?: string, status = 200) {
    const lang = langOf(request);
    const tr = translator(lang);
    const state = await stateOf(deps, plan);
    const body = planBody(tr, lang, state, request.user, error);
    return sendPage(reply, page({ lang, user: request.user, title: `${tr("ui.plan.title")} ${plan.id}`, path: href("/plans", [plan.id]), body }), status);
  }

  app.get<IdParams>("/plans/:id", { config: { role: "viewer" } }, async (request, reply) => {
    const plan = await findPlan(request, reply);
    return plan ? render(request, reply, plan) : reply;
  });

  /** Runs one respond call as the signed-in user; a refusal (four-eyes, no approval...) is shown on the page. */
  async function act(request: FastifyRequest<IdParams>, reply: FastifyReply, run: (plan: Plan, user: AuthUser) => Promise<unknown>) {
    const plan = await findPlan(request, reply);
    if (!plan) return reply;
    const user = request.user;
    if (!user) return reply.code(401).send();
    try {
      await run(plan, user);
    } catch (error) {
      const r = refusal(error);
      return render(request, reply, plan, r.message, r.status);
    }
    return redirect(reply, href("/plans", [plan.id]));
  }

  app.post<IdParams>("/plans/:id/approve", { config: { role: "responder" } }, (request, reply) =>
    act(request, reply, (plan, user) => {
      const reason = (field(request.body, "reason") ?? "").trim();
      if (!reason) throw new Error(translator(langOf(request))("ui.plan.reasonNeeded"));
      return approvePlan(deps.store, plan.id, { by: user.name, reason, fourEyes: deps.options.fourEyes });
    }));

  app.post<IdParams>("/plans/:id/execute", { config: { role: "responder" } }, (request, reply) =>
    act(request, reply, (plan, user) => executePlan(deps.store, respondContext(deps, user.name), plan.id, {
      execute: field(request.body, "execute") === "true",
      yes: field(request.body, "yes") === "true",
      fourEyes: deps.options.fourEyes,
    })));

  app.post<IdParams>("/plans/:id/undo", { config: { role: "responder" } }, (request, reply) =>
    act(request, reply, (plan, user) => undoPlan(deps.store, respondContext(deps, user.name), plan.id)));

  // Open event streams end when the server closes; otherwise a watching browser would hold its shutdown.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of [...streams]) end();
  });

  app.get<IdParams>("/plans/:id/events", { config: { role: "viewer" } }, async (request, reply) => {
    const plan = await deps.store.getPlan(request.params.id).catch(() => undefined);
    if (!plan) return reply.code(404).send();
    const tr = translator(langOf(request));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-content-type-options": "nosniff" });
    // Everything already known first, then every new run as it is written (polled: runs may come from another process).
    let sent = 0;
    let closed = false;
    const send = async () => {
      if (closed) return;
      const runs = await deps.store.stepRuns(plan.id);
      for (const r of runs.slice(sent)) {
        res.write(`event: step\ndata: ${JSON.stringify({ stepId: r.stepId, status: r.status, dryRun: r.dryRun, at: r.at, label: `${stepLabel(tr, r.status)}${r.dryRun ? ` (${tr("ui.plan.dryRun")})` : ""}` })}\n\n`);
      }
      sent = Math.max(sent, runs.length);
    };
    const timer = setInterval(() => { send().catch(() => undefined); }, deps.planEventsPollMs ?? 1000);
    const keepAlive = setInterval(() => { if (!closed) res.write(": keep-alive\n\n"); }, 15_000);
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      clearInterval(keepAlive);
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    request.raw.on("close", end);
    await send().catch(() => undefined);
  });
}
