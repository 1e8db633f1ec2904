import type { Event, Observable } from "../../../model/index.js";
import { IpTable } from "../../../intel/ips.js";
import { str, strs } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, mergeEntities, obs } from "../common.js";
import {
  BoundedGroups, burstEnds, distinct, instanceCount, isServiceCall,
  principalLabel, principalOf, succeeded, timeMs, trailRecord, type Principal, type TrailRecord,
} from "./cloudtrail-common.js";
import { datasetsFor } from "../../routes.js";

/**
 * RunInstances bursts: after key theft, attackers launch instances in many regions within minutes,
 * often GPU or very large CPU types, often many at once (reference miners.md §e step 3).
 * One finding per principal per burst.
 */

/** Instances launched within one window by one principal that count as "many" on their own. */
export const HIGH_INSTANCE_COUNT = 20;
/** Bounds what a finding lists (instance ids can number thousands). */
const MAX_LISTED_INSTANCES = 200;

interface Launch extends TrailRecord {
  instanceType: string;
  instanceClass: "gpu" | "compute" | undefined;
  count: number;
  instanceIds: string[];
  sourceIp?: string;
  /** The call was made from the AWS console (a person), not with an access key from a script. */
  console: boolean;
}

/** User agents CloudTrail records for calls made from the AWS Management Console. */
function isConsoleAgent(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  const ua = userAgent.toLowerCase();
  return ua.startsWith("console.") || ua.includes(".console.") || ua === "signin.amazonaws.com" || ua === "aws internal";
}

export const runInstancesBurst: Detector = {
  id: "run-instances-burst",
  title: "EC2 RunInstances burst across regions or of GPU / large compute types",
  routes: { datasets: datasetsFor(["aws/cloudtrail"]) },
  start(ctx) {
    const { burstRegions, burstWindowMinutes } = ctx.config.cloudtrail;
    const windowMs = burstWindowMinutes * 60_000;
    const launches = new BoundedGroups<Launch>();
    const orgNetworks = new IpTable<true>();
    for (const cidr of ctx.config.orgNetworks) orgNetworks.add(cidr, true);

    function onEvent(event: Event): void {
      if (str(event, "event.action") !== "RunInstances" || !succeeded(event) || isServiceCall(event)) return;
      const principal = principalOf(event);
      const ms = timeMs(event);
      if (!principal || ms === undefined) return;
      const instanceType = str(event, "cloud.machine.type") ?? "";
      const count = instanceCount(event);
      const region = str(event, "cloud.region") ?? "";
      const summary = `RunInstances ${count} x ${instanceType || "(type from launch template)"} in ${region || "?"} by ${clip(principalLabel(principal), 100)}`;
      const launch: Launch = {
        ...trailRecord(event, ms, summary),
        instanceType,
        instanceClass: instanceType ? ctx.intel.classifyInstanceType(instanceType) : undefined,
        count,
        instanceIds: strs(event, "cloud.instance.id"),
        console: isConsoleAgent(str(event, "user_agent.original")),
      };
      const ip = str(event, "source.ip");
      if (ip) launch.sourceIp = ip;
      launches.add(principal, launch);
    }

    function qualifies(window: readonly Launch[]): boolean {
      if (distinct(window.map((l) => l.region)).length >= burstRegions) return true;
      if (window.some((l) => l.instanceClass !== undefined)) return true;
      return window.reduce((n, l) => n + l.count, 0) >= HIGH_INSTANCE_COUNT;
    }

    function report(principal: Principal, burst: Launch[]): void {
      const regions = distinct(burst.map((l) => l.region));
      const launched = burst.reduce((n, l) => n + l.count, 0);
      const big = burst.filter((l) => l.instanceClass !== undefined);
      const gpuInstances = burst.filter((l) => l.instanceClass === "gpu").reduce((n, l) => n + l.count, 0);
      const manyRegions = regions.length >= burstRegions;
      // Several regions and big types together is the textbook pattern; either alone is less sure;
      // a high count in one region with ordinary types least (autoscaling-like).
      const confidence = manyRegions && big.length > 0 ? 0.7 : manyRegions ? 0.6 : 0.5;

      const typeCounts = new Map<string, number>();
      for (const l of burst) {
        const type = l.instanceType || "(launch template)";
        typeCounts.set(type, (typeCounts.get(type) ?? 0) + l.count);
      }
      const typeText = [...typeCounts].map(([t, n]) => `${t} x${n}`).join(", ");
      const instanceIds = distinct(burst.flatMap((l) => l.instanceIds)).slice(0, MAX_LISTED_INSTANCES);

      const what = [`${launched} instance${launched === 1 ? "" : "s"}`];
      if (gpuInstances > 0) what.push(`${gpuInstances} GPU`);
      const title = `${what.join(", ")} launched in ${regions.length} region${regions.length === 1 ? "" : "s"} by ${clip(principalLabel(principal), 100)}`;

      const observables: Observable[] = [
        ...obs("access-key", principal.accessKey),
        ...obs("user", principal.arn ?? principal.user),
        ...distinct(burst.map((l) => l.instanceType)).flatMap((t) => obs("instance-type", t)),
        ...distinct(burst.map((l) => l.sourceIp)).flatMap((ip) => obs("ip", ip)),
        ...instanceIds.slice(0, 50).flatMap((id) => obs("instance", id)),
      ];
      const entities = mergeEntities(...burst.map((l) => l.entities), { regions, providers: ["aws"] });
      // The bounded list, not every id of every record.
      if (instanceIds.length > 0) entities.instances = instanceIds; else delete entities.instances;

      ctx.emit({
        rule: { id: runInstancesBurst.id, name: runInstancesBurst.title, kind: "detector" },
        title,
        description: clip(`RunInstances by one principal within ${burstWindowMinutes} min: ${typeText} in ${regions.join(", ")}.`, 600) +
          " PB-31: check every region and the IAM credentials that launched them.",
        trigger: "cloud-activity",
        severity: confidence >= 0.7 ? "high" : "medium",
        confidence,
        firstSeen: burst[0]!.time,
        lastSeen: burst[burst.length - 1]!.time,
        entities,
        observables,
        evidence: burst.map((l) => l.evidence),
        facts: {
          "instances.launched": launched,
          "regions.count": regions.length,
          "instances.gpu": gpuInstances,
          "instance.types": clip(typeText, 300),
        },
        tags: ["cloudtrail", "resource-acquisition", ...(big.length > 0 ? ["large-instance-types" as const] : []),
          // Read by PB-31's insider rule: every launch from the organisation's own network, by a person at the console.
          ...(orgNetworks.size > 0 && burst.every((l) => l.sourceIp !== undefined && orgNetworks.lookup(l.sourceIp) !== undefined) ? ["org-network" as const] : []),
          ...(burst.every((l) => l.console) ? ["console-session" as const] : [])],
        key: `${principal.key}\0${burst[0]!.timeMs}`,
      });
    }

    return { onEvent, ...burstEnds(launches, windowMs, qualifies, report) };
  },
};
