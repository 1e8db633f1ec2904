import type { Event } from "../../../model/index.js";
import { str } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, mergeEntities, obs } from "../common.js";
import {
  BoundedGroups, byTime, distinct, isServiceCall, principalLabel, principalOf, succeeded,
  timeMs, trailRecord, type TrailRecord,
  type Principal,
} from "./cloudtrail-common.js";
import { datasetsFor } from "../../routes.js";

/**
 * Blinding the account around a mining campaign (miners.md §e step 4): CloudTrail StopLogging /
 * DeleteTrail, GuardDuty DeleteDetector / UpdateDetector with enable=false — by a principal that also
 * launched instances within the correlation window. Without the launches it is someone else's
 * problem (an admin tidying trails), so nothing is reported.
 */

interface EvasionCall extends TrailRecord {
  action: string;
  ok: boolean;
}

/** Whether a GuardDuty UpdateDetector call turns the detector off ("enable": false in the request). */
export function disablesDetector(requestParameters: string): boolean {
  const compact = requestParameters.slice(0, 16_384).replace(/\s+/g, "");
  return compact.includes("\"enable\":false");
}

function isEvasion(event: Event): boolean {
  switch (str(event, "event.action")) {
    case "StopLogging":
    case "DeleteTrail":
    case "DeleteDetector":
      return true;
    case "UpdateDetector":
      return disablesDetector(str(event, "aws.cloudtrail.request_parameters") ?? "");
    default:
      return false;
  }
}

export const defenseEvasion: Detector = {
  id: "defense-evasion",
  title: "CloudTrail or GuardDuty turned off by a principal that launched instances",
  routes: { datasets: datasetsFor(["aws/cloudtrail"]) },
  start(ctx) {
    const windowMs = ctx.config.correlationWindowHours * 3_600_000;
    const evasions = new BoundedGroups<EvasionCall>();
    // Only launch times are kept per principal: enough to ask "did it also launch, and when?".
    const launches = new BoundedGroups<{ timeMs: number }>();

    function onEvent(event: Event): void {
      const principal = principalOf(event);
      const ms = timeMs(event);
      if (!principal || ms === undefined) return;
      const action = str(event, "event.action") ?? "";
      if (action === "RunInstances") {
        if (succeeded(event) && !isServiceCall(event)) launches.add(principal, { timeMs: ms });
        return;
      }
      if (!isEvasion(event)) return;
      const ok = succeeded(event);
      const target = clip(str(event, "aws.cloudtrail.request_parameters") ?? "", 120);
      const summary = `${action}${ok ? "" : ` (failed: ${str(event, "aws.cloudtrail.error_code") ?? "failure"})`} ${target} by ${clip(principalLabel(principal), 100)}`;
      evasions.add(principal, { ...trailRecord(event, ms, summary), action, ok });
    }

    function judge(principal: Principal, items: EvasionCall[]): void {
      const launchTimes = launches.groups.get(principal.key)?.items ?? [];
      const near = items
        .filter((e) => launchTimes.some((l) => Math.abs(l.timeMs - e.timeMs) <= windowMs))
        .sort(byTime);
      if (near.length === 0) return;
      const anyDone = near.some((e) => e.ok);
      const actions = distinct(near.map((e) => e.action));
      ctx.emit({
        rule: { id: defenseEvasion.id, name: defenseEvasion.title, kind: "detector" },
        title: `${actions.join(", ")}${anyDone ? "" : " attempted"} by ${clip(principalLabel(principal), 100)}, which also launched instances`,
        description: "Logging or threat detection switched off around instance launches by the same principal: treat the launches as hostile and check what the gap hides.",
        trigger: "cloud-activity",
        severity: "high",
        // A refused attempt shows intent but changed nothing.
        confidence: anyDone ? 0.5 : 0.4,
        firstSeen: near[0]!.time,
        lastSeen: near[near.length - 1]!.time,
        entities: mergeEntities(...near.map((e) => e.entities), { providers: ["aws"] }),
        observables: [...obs("access-key", principal.accessKey), ...obs("user", principal.arn ?? principal.user)],
        evidence: near.map((e) => e.evidence),
        facts: { "defense_evasion.actions": actions.join(", "), "defense_evasion.succeeded": anyDone },
        tags: ["cloudtrail", "defense-evasion"],
        mitre: ["T1496", "T1562.008"],
        key: principal.key,
      });
    }

    /**
     * On a stream: evasion calls more than a window before the watermark can meet no later launch, so they are
     * judged now; a principal's launches are kept while it has calls waiting, else only those a later call
     * could still be near.
     */
    function flush(watermarkMs: number): void {
      evasions.takeClosed(windowMs, watermarkMs, judge);
      for (const key of [...launches.groups.keys()]) {
        if (evasions.groups.has(key)) continue;
        const times = launches.groups.get(key)!.items;
        if (times.every((l) => l.timeMs + windowMs < watermarkMs)) launches.forget(key);
      }
    }

    return {
      onEvent,
      flush,
      finish: () => { for (const { principal, items } of evasions.groups.values()) judge(principal, items); },
    };
  },
};
