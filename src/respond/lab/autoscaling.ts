/** The lab's Auto Scaling (awsQuery protocol, XML): a group relaunches its miner unless suspended or scaled to 0. */
import { LabError, el, list, members, queryResponse, required, wrap, type Params } from "./protocol.js";
import { groupMembers, reconcileGroups, type LabAutoScalingGroup, type LabRegion, type LabWorld } from "./world.js";
import { launchFromGroup } from "./scenario.js";

type Handler = (world: LabWorld, region: LabRegion, p: Params) => string;
const NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
const ok = (action: string, inner = "") => queryResponse(action, NS, inner);

/** Every process Auto Scaling knows; SuspendProcesses without names suspends them all. */
export const SCALING_PROCESSES = ["Launch", "Terminate", "AddToLoadBalancer", "AlarmNotification", "AZRebalance", "HealthCheck", "InstanceRefresh", "ReplaceUnhealthy", "ScheduledActions"];

function group(region: LabRegion, name: string): LabAutoScalingGroup {
  const g = region.autoScalingGroups.get(name);
  if (!g) throw new LabError("ValidationError", `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
  return g;
}

function groupXml(world: LabWorld, region: LabRegion, g: LabAutoScalingGroup): string {
  const lt = region.launchTemplates.get(g.launchTemplateId);
  return el("AutoScalingGroupName", g.name) +
    el("AutoScalingGroupARN", `arn:aws:autoscaling:${region.name}:${world.account}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${g.name}`) +
    wrap("LaunchTemplate", el("LaunchTemplateId", g.launchTemplateId) + el("LaunchTemplateName", lt?.name) + el("Version", "$Default")) +
    el("MinSize", g.min) + el("MaxSize", g.max) + el("DesiredCapacity", g.desired) + el("DefaultCooldown", 300) +
    members("AvailabilityZones", [g.az]) + el("HealthCheckType", "EC2") + el("HealthCheckGracePeriod", 300) + el("CreatedTime", g.createdTime) +
    members("Instances", groupMembers(region, g.name).map((i) => el("InstanceId", i.id) + el("InstanceType", i.type) + el("AvailabilityZone", i.az) +
      el("LifecycleState", "InService") + el("HealthStatus", "Healthy") + el("ProtectedFromScaleIn", false))) +
    members("SuspendedProcesses", g.suspended.map((s) => el("ProcessName", s) + el("SuspensionReason", "User suspended at " + world.now().toISOString()))) +
    members("Tags", []);
}

export const AUTO_SCALING: Record<string, Handler> = {
  DescribeAutoScalingGroups: (world, region, p) => {
    reconcileGroups(world, region, (g) => launchFromGroup(world, region, g));
    const names = list(p, "AutoScalingGroupNames.member");
    const groups = [...region.autoScalingGroups.values()].filter((g) => !names.length || names.includes(g.name));
    return ok("DescribeAutoScalingGroups", members("AutoScalingGroups", groups.map((g) => groupXml(world, region, g))));
  },
  DescribeAutoScalingInstances: (world, region, p) => {
    const ids = list(p, "InstanceIds.member");
    const out: string[] = [];
    for (const g of region.autoScalingGroups.values()) {
      for (const i of groupMembers(region, g.name)) {
        if (ids.length && !ids.includes(i.id)) continue;
        out.push(el("InstanceId", i.id) + el("InstanceType", i.type) + el("AutoScalingGroupName", g.name) + el("AvailabilityZone", i.az) +
          el("LifecycleState", "InService") + el("HealthStatus", "HEALTHY") + el("ProtectedFromScaleIn", false));
      }
    }
    void world;
    return ok("DescribeAutoScalingInstances", members("AutoScalingInstances", out));
  },
  UpdateAutoScalingGroup: (_world, region, p) => {
    const g = group(region, required(p, "AutoScalingGroupName"));
    const num = (k: string, v: number) => (p.has(k) ? Number(p.get(k)) : v);
    const min = num("MinSize", g.min), max = num("MaxSize", g.max), desired = num("DesiredCapacity", Math.min(Math.max(g.desired, min), max));
    if (min > max || desired < min || desired > max) throw new LabError("ValidationError", `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
    Object.assign(g, { min, max, desired });
    return ok("UpdateAutoScalingGroup");
  },
  SuspendProcesses: (_world, region, p) => {
    const g = group(region, required(p, "AutoScalingGroupName"));
    const names = list(p, "ScalingProcesses.member");
    for (const n of names.length ? names : SCALING_PROCESSES) if (!g.suspended.includes(n)) g.suspended.push(n);
    return ok("SuspendProcesses");
  },
  ResumeProcesses: (_world, region, p) => {
    const g = group(region, required(p, "AutoScalingGroupName"));
    const names = list(p, "ScalingProcesses.member");
    g.suspended = names.length ? g.suspended.filter((s) => !names.includes(s)) : [];
    return ok("ResumeProcesses");
  },
  DeleteAutoScalingGroup: (_world, region, p) => {
    const g = group(region, required(p, "AutoScalingGroupName"));
    if (groupMembers(region, g.name).length && p.get("ForceDelete") !== "true") throw new LabError("ResourceInUse", "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.");
    region.autoScalingGroups.delete(g.name);
    return ok("DeleteAutoScalingGroup");
  },
  DetachInstances: (world, region, p) => {
    const g = group(region, required(p, "AutoScalingGroupName"));
    const ids = list(p, "InstanceIds.member");
    for (const id of ids) {
      const i = region.instances.get(id);
      if (!i || i.autoScalingGroup !== g.name) throw new LabError("ValidationError", `The instance ${id} is not part of Auto Scaling group ${g.name}.`);
      i.autoScalingGroup = undefined;
      i.tags = i.tags.filter((t) => t.key !== "aws:autoscaling:groupName");
    }
    if (p.get("ShouldDecrementDesiredCapacity") === "true") g.desired = Math.max(g.min, g.desired - ids.length);
    return ok("DetachInstances", members("Activities", ids.map((id) => el("ActivityId", `${id}-detach`) + el("AutoScalingGroupName", g.name) +
      el("Description", `Detaching EC2 instance: ${id}`) + el("StartTime", world.now().toISOString()) + el("StatusCode", "InProgress") + el("Progress", 50))));
  },
};
