/**
 * A dry-run plan through the browser, on the real respond service: the analyst makes it, a responder
 * approves it and runs the dry run, and a third person watching the plan page sees the steps change live
 * (server-sent events), without reloading. Four-eyes: the analyst's own plan cannot be approved by them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../../test-helpers/index.js";
import type { Page } from "playwright-core";
import { uiServer } from "./test-harness.js";
import { chromiumOrSkip, closeContexts, launch, listen, logIn, screenshotDir, watchedPage } from "./browser-kit.js";

/** Clicks a form's button and waits until the redirect after the post has loaded. */
async function submitAndLand(page: Page, button: string, action: string): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname.endsWith(action)), page.click(button)]);
  await page.waitForLoadState("load");
  await page.waitForSelector("table.steps");
}

test("make, approve and dry-run a plan; live step status", { timeout: 180_000 }, async (t) => {
  if (!chromiumOrSkip(t)) return;
  const server = await uiServer({ paths: [join(REPO_ROOT, "examples")] });
  const browser = await launch();
  const shots = screenshotDir();
  try {
    const base = await listen(server.app);
    const incident = (await server.store.listIncidents()).find((i) => i.title.includes("db-prod-01"));
    assert.ok(incident);

    const analyst = await watchedPage(browser);
    await logIn(analyst.page, base, "analyst", `/incidents/${incident.id}`);
    await Promise.all([analyst.page.waitForURL(/\/plans\//), analyst.page.click("button:has-text('Make a plan')")]);
    const planPath = new URL(analyst.page.url()).pathname;
    const plan = await server.store.getPlan(decodeURIComponent(planPath.split("/").pop()!));
    assert.ok(plan && plan.steps.length > 0, "a plan with steps");
    assert.equal(plan.createdBy, "analyst");
    assert.equal(await analyst.page.$("#approve"), null, "an analyst sees no approve button");

    // Someone watching the plan page (a viewer): its step cells follow the runs as they are written.
    const watcher = await watchedPage(browser);
    await logIn(watcher.page, base, "viewer", planPath);
    await watcher.page.waitForSelector("table.steps[data-events]");

    const responder = await watchedPage(browser);
    await logIn(responder.page, base, "responder", planPath);
    await responder.page.fill('input[name="reason"]', "Pools and persistence match the evidence; dry run first");
    await submitAndLand(responder.page, "#approve", "/approve");
    assert.equal(await responder.page.getAttribute("[data-approval]", "data-approval"), "valid");
    assert.match(await responder.page.textContent("[data-approval]") ?? "", /approved by responder/);
    await submitAndLand(responder.page, "#dry-run", "/execute");
    const runs = await server.store.stepRuns(plan.id);
    assert.ok(runs.length >= plan.steps.length && runs.every((r) => r.dryRun), "every step previewed, nothing executed");
    await responder.page.screenshot({ path: join(shots, "plan-en.png"), fullPage: true });

    // The watcher's page changed without a reload.
    await watcher.page.waitForSelector("table.steps[data-last-event]", { timeout: 15_000 });
    const first = plan.steps[0]!.id;
    const cells = await watcher.page.$$eval("[data-step-status]", (els) => els.map((e) => [e.getAttribute("data-step-status"), e.textContent]));
    assert.ok(cells.some(([id, text]) => id === first && /dry run/.test(text ?? "")), JSON.stringify(cells));

    for (const w of [analyst, watcher, responder]) {
      assert.deepEqual(w.violations, [], "no CSP violation");
      assert.deepEqual(w.errors, []);
    }
    t.diagnostic(`screenshots in ${shots}`);
  } finally {
    await closeContexts(browser);
    await server.close();
  }
});
