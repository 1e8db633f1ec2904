import type { Event } from "../../../model/index.js";
import { str } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, mergeEntities, obs } from "../common.js";
import {
  BoundedGroups, burstEnds, distinct, normalisedErrorCode, principalLabel,
  principalOf, timeMs, trailRecord, type Principal, type TrailRecord,
} from "./cloudtrail-common.js";
import { datasetsFor } from "../../routes.js";

/**
 * Launch errors as supporting evidence: a principal whose RunInstances / spot requests fail on vCPU
 * limits, capacity or permissions in several regions (or many times) within the window is probing
 * for somewhere to mine (miners.md §e step 4). Weak alone: it joins incidents, never opens one.
 */

/** API calls that ask EC2 for capacity. */
const LAUNCH_ACTIONS = new Set(["RunInstances", "RequestSpotInstances", "RequestSpotFleet", "CreateFleet"]);
/** Error codes as CloudTrail writes them, without the "Client."/"Server." prefix. */
const LAUNCH_ERRORS = new Set(["VcpuLimitExceeded", "InsufficientInstanceCapacity", "UnauthorizedOperation"]);
/** Errors within one window that count as a burst even in one region. */
export const ERROR_BURST_COUNT = 5;

interface LaunchError extends TrailRecord {
  code: string;
  instanceType: string;
}

export const quotaErrors: Detector = {
  id: "quota-errors",
  title: "Bursts of EC2 launch errors (vCPU limit, capacity, unauthorized) across regions",
  routes: { datasets: datasetsFor(["aws/cloudtrail"]) },
  start(ctx) {
    const { burstRegions, burstWindowMinutes } = ctx.config.cloudtrail;
    const errors = new BoundedGroups<LaunchError>();

    function onEvent(event: Event): void {
      const action = str(event, "event.action") ?? "";
      if (!LAUNCH_ACTIONS.has(action)) return;
      const code = normalisedErrorCode(event);
      if (!code || !LAUNCH_ERRORS.has(code)) return;
      const principal = principalOf(event);
      const ms = timeMs(event);
      if (!principal || ms === undefined) return;
      const instanceType = str(event, "cloud.machine.type") ?? "";
      const region = str(event, "cloud.region") ?? "?";
      const summary = `${action} ${instanceType} in ${region} failed: ${str(event, "aws.cloudtrail.error_code")} (${clip(principalLabel(principal), 100)})`;
      errors.add(principal, { ...trailRecord(event, ms, summary), code, instanceType });
    }

    const qualifies = (window: readonly LaunchError[]): boolean =>
      window.length >= ERROR_BURST_COUNT || distinct(window.map((e) => e.region)).length >= burstRegions;

    function report(principal: Principal, burst: LaunchError[]): void {
      const regions = distinct(burst.map((e) => e.region));
      const codes = distinct(burst.map((e) => e.code));
      const types = distinct(burst.map((e) => e.instanceType));
      ctx.emit({
        rule: { id: quotaErrors.id, name: quotaErrors.title, kind: "detector" },
        title: `${burst.length} failed instance launches (${codes.join(", ")}) in ${regions.length} region${regions.length === 1 ? "" : "s"} by ${clip(principalLabel(principal), 100)}`,
        description: "Launch attempts refused for vCPU limits, capacity or permissions: someone is looking for room to run instances.",
        trigger: "cloud-activity",
        severity: "low",
        confidence: 0.3,
        firstSeen: burst[0]!.time,
        lastSeen: burst[burst.length - 1]!.time,
        entities: mergeEntities(...burst.map((e) => e.entities), { regions, providers: ["aws"] }),
        observables: [
          ...obs("access-key", principal.accessKey),
          ...obs("user", principal.arn ?? principal.user),
          ...types.flatMap((t) => obs("instance-type", t)),
        ],
        evidence: burst.map((e) => e.evidence),
        facts: { "launch_errors.count": burst.length, "regions.count": regions.length, "launch_errors.codes": codes.join(", ") },
        tags: ["cloudtrail", "launch-errors"],
        key: `${principal.key}\0${burst[0]!.timeMs}`,
      });
    }

    return { onEvent, ...burstEnds(errors, burstWindowMinutes * 60_000, qualifies, report) };
  },
};
