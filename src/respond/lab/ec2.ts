/**
 * The lab's EC2 (Query protocol, XML): enough of DescribeInstances & co for a sweep, and the calls the
 * response actions make (snapshots, tags, quarantine group, stop, terminate with DryRun, spot requests).
 */
import { LabError, el, ec2Response, filters, items, list, pageToken, readToken, required, wrap, type Params } from "./protocol.js";
import { newId, reconcileGroups, STATE_CODES, type InstanceStateName, type LabInstance, type LabRegion, type LabTag, type LabWorld } from "./world.js";
import { launchFromGroup } from "./scenario.js";

type Handler = (world: LabWorld, region: LabRegion, p: Params) => string;

const tagSet = (tags: LabTag[]) => items("tagSet", tags.map((t) => el("key", t.key) + el("value", t.value)));
const state = (name: InstanceStateName) => el("code", STATE_CODES[name]) + el("name", name);

function dryRun(p: Params): void {
  if (p.get("DryRun") === "true") throw new LabError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
}

function instance(region: LabRegion, id: string): LabInstance {
  const inst = region.instances.get(id);
  if (!inst) throw new LabError("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`);
  return inst;
}

function tagMatches(tags: LabTag[], name: string, values: string[]): boolean | undefined {
  if (name === "tag-key") return tags.some((t) => values.includes(t.key));
  if (name.startsWith("tag:")) return tags.some((t) => t.key === name.slice(4) && values.includes(t.value));
  return undefined;
}

function instanceMatches(inst: LabInstance, f: Map<string, string[]>): boolean {
  for (const [name, values] of f) {
    const byTag = tagMatches(inst.tags, name, values);
    if (byTag !== undefined) { if (!byTag) return false; continue; }
    const value = { "instance-id": inst.id, "instance-state-name": inst.state, "instance-type": inst.type, "vpc-id": inst.vpcId, "key-name": inst.keyName }[name];
    if (value === undefined && !["instance-id", "instance-state-name", "instance-type", "vpc-id", "key-name"].includes(name)) {
      throw new LabError("InvalidParameterValue", `The filter '${name}' is invalid`);
    }
    if (value === undefined || !values.includes(value)) return false;
  }
  return true;
}

function instanceXml(world: LabWorld, region: LabRegion, i: LabInstance): string {
  const groups = i.groupIds.map((id) => el("groupId", id) + el("groupName", region.securityGroups.get(id)?.name ?? id));
  const volumes = i.volumeIds.map((v) => el("deviceName", region.volumes.get(v)?.device ?? "/dev/xvda") +
    wrap("ebs", el("volumeId", v) + el("status", "attached") + el("attachTime", i.launchTime) + el("deleteOnTermination", true)));
  return el("instanceId", i.id) + el("imageId", i.imageId) + wrap("instanceState", state(i.state)) +
    el("privateDnsName", `ip-${i.privateIp.replace(/\./g, "-")}.${region.name}.compute.internal`) + el("keyName", i.keyName) +
    el("amiLaunchIndex", 0) + el("instanceType", i.type) + el("launchTime", i.launchTime) +
    wrap("placement", el("availabilityZone", i.az) + el("tenancy", "default")) + wrap("monitoring", el("state", "disabled")) +
    el("subnetId", i.subnetId) + el("vpcId", i.vpcId) + el("privateIpAddress", i.privateIp) + items("groupSet", groups) +
    el("architecture", "x86_64") + el("rootDeviceType", "ebs") + el("rootDeviceName", "/dev/xvda") + items("blockDeviceMapping", volumes) +
    (i.spotRequestId ? el("instanceLifecycle", "spot") + el("spotInstanceRequestId", i.spotRequestId) : "") +
    (i.instanceProfileArn ? wrap("iamInstanceProfile", el("arn", i.instanceProfileArn) + el("id", "AIPA" + i.id.slice(2, 14).toUpperCase())) : "") +
    tagSet(i.tags) + el("hypervisor", "xen") + el("ownerId", world.account);
}

const MAX_PAGE = 1000;

const describeInstances: Handler = (world, region, p) => {
  reconcileGroups(world, region, (g) => launchFromGroup(world, region, g));
  const ids = list(p, "InstanceId");
  const f = filters(p);
  const maxResults = p.has("MaxResults") ? Number(p.get("MaxResults")) : undefined;
  if (maxResults !== undefined && (maxResults < 5 || maxResults > MAX_PAGE)) throw new LabError("InvalidParameterValue", `Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  if (maxResults !== undefined && ids.length) throw new LabError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
  for (const id of ids) instance(region, id);
  const pool = ids.length ? ids : region.order;
  const start = readToken(`di:${region.name}`, p.get("NextToken"));
  const out: string[] = [];
  let at = start;
  for (; at < pool.length && (maxResults === undefined || out.length < maxResults); at++) {
    const inst = region.instances.get(pool[at]!)!;
    if (!instanceMatches(inst, f)) continue;
    out.push(el("reservationId", `r-${inst.id.slice(2)}`) + el("ownerId", world.account) + items("groupSet", []) + items("instancesSet", [instanceXml(world, region, inst)]));
  }
  const next = at < pool.length && maxResults !== undefined ? el("nextToken", pageToken(`di:${region.name}`, at)) : "";
  return ec2Response("DescribeInstances", items("reservationSet", out) + next);
};

const describeRegions: Handler = (world) => ec2Response("DescribeRegions", items("regionInfo", [...world.regions.keys()].map((name) =>
  el("regionName", name) + el("regionEndpoint", `ec2.${name}.amazonaws.com`) + el("optInStatus", "opt-in-not-required"))));

const describeInstanceAttribute: Handler = (_world, region, p) => {
  const inst = instance(region, required(p, "InstanceId"));
  const attr = required(p, "Attribute");
  let body: string;
  if (attr === "userData") body = inst.userData === undefined ? "<userData/>" : wrap("userData", el("value", inst.userData));
  else if (attr === "disableApiTermination") body = wrap("disableApiTermination", el("value", inst.disableApiTermination));
  else if (attr === "groupSet") body = items("groupSet", inst.groupIds.map((g) => el("groupId", g)));
  else if (attr === "instanceType") body = wrap("instanceType", el("value", inst.type));
  else throw new LabError("InvalidParameterValue", `Value (${attr}) for parameter attribute is invalid (the lab knows userData, disableApiTermination, groupSet, instanceType)`);
  return ec2Response("DescribeInstanceAttribute", el("instanceId", inst.id) + body);
};

const modifyInstanceAttribute: Handler = (_world, region, p) => {
  dryRun(p);
  const inst = instance(region, required(p, "InstanceId"));
  const groups = list(p, "GroupId");
  if (groups.length) {
    for (const g of groups) if (!region.securityGroups.has(g)) throw new LabError("InvalidGroup.NotFound", `The security group '${g}' does not exist`);
    inst.groupIds = groups;
  }
  const protect = p.get("DisableApiTermination.Value");
  if (protect !== undefined) inst.disableApiTermination = protect === "true";
  return ec2Response("ModifyInstanceAttribute", el("return", true));
};

const describeVolumes: Handler = (_world, region, p) => {
  const ids = list(p, "VolumeId");
  const f = filters(p);
  const attached = f.get("attachment.instance-id");
  const vols = [...region.volumes.values()].filter((v) => (!ids.length || ids.includes(v.id)) && (!attached || (v.instanceId !== undefined && attached.includes(v.instanceId))));
  return ec2Response("DescribeVolumes", items("volumeSet", vols.map((v) => el("volumeId", v.id) + el("size", v.sizeGiB) + el("availabilityZone", v.az) +
    el("status", v.instanceId ? "in-use" : "available") + el("volumeType", "gp3") + el("encrypted", false) +
    items("attachmentSet", v.instanceId ? [el("volumeId", v.id) + el("instanceId", v.instanceId) + el("device", v.device) + el("status", "attached")] : []))));
};

function tagSpecs(p: Params, type: string): LabTag[] {
  const out: LabTag[] = [];
  for (let i = 1; p.has(`TagSpecification.${i}.ResourceType`); i++) {
    if (p.get(`TagSpecification.${i}.ResourceType`) !== type) continue;
    for (let j = 1; p.has(`TagSpecification.${i}.Tag.${j}.Key`); j++) out.push({ key: p.get(`TagSpecification.${i}.Tag.${j}.Key`)!, value: p.get(`TagSpecification.${i}.Tag.${j}.Value`) ?? "" });
  }
  return out;
}

const snapshotXml = (s: { id: string; volumeId: string; description: string; startTime: string; state: string; sizeGiB: number; tags: LabTag[] }, owner: string) =>
  el("snapshotId", s.id) + el("volumeId", s.volumeId) + el("status", s.state) + el("startTime", s.startTime) + el("progress", s.state === "completed" ? "100%" : "0%") +
  el("ownerId", owner) + el("volumeSize", s.sizeGiB) + el("description", s.description) + el("encrypted", false) + tagSet(s.tags);

const createSnapshot: Handler = (world, region, p) => {
  dryRun(p);
  const volumeId = required(p, "VolumeId");
  const vol = region.volumes.get(volumeId);
  if (!vol) throw new LabError("InvalidVolume.NotFound", `The volume '${volumeId}' does not exist.`);
  // Completed at once: the lab has no disks to copy.
  const snap = { id: newId(world, "snap"), volumeId, description: p.get("Description") ?? "", startTime: world.now().toISOString(), state: "completed" as const, tags: tagSpecs(p, "snapshot"), sizeGiB: vol.sizeGiB };
  region.snapshots.set(snap.id, snap);
  return ec2Response("CreateSnapshot", snapshotXml({ ...snap, state: "pending" }, world.account));
};

const describeSnapshots: Handler = (world, region, p) => {
  const ids = list(p, "SnapshotId");
  const f = filters(p);
  const snaps = [...region.snapshots.values()].filter((s) => {
    if (ids.length && !ids.includes(s.id)) return false;
    for (const [name, values] of f) {
      const byTag = tagMatches(s.tags, name, values);
      if (byTag === false) return false;
      if (name === "volume-id" && !values.includes(s.volumeId)) return false;
      if (name === "status" && !values.includes(s.state)) return false;
    }
    return true;
  });
  for (const id of ids) if (!region.snapshots.has(id)) throw new LabError("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`);
  return ec2Response("DescribeSnapshots", items("snapshotSet", snaps.map((s) => snapshotXml(s, world.account))));
};

function taggable(region: LabRegion, id: string): { tags: LabTag[] } {
  const r = region.instances.get(id) ?? region.snapshots.get(id) ?? region.securityGroups.get(id);
  if (!r) throw new LabError("InvalidID", `The ID '${id}' is not valid`);
  return r;
}

const createTags: Handler = (_world, region, p) => {
  dryRun(p);
  const tags: LabTag[] = [];
  for (let i = 1; p.has(`Tag.${i}.Key`); i++) tags.push({ key: p.get(`Tag.${i}.Key`)!, value: p.get(`Tag.${i}.Value`) ?? "" });
  for (const id of list(p, "ResourceId")) {
    const r = taggable(region, id);
    r.tags = [...r.tags.filter((t) => !tags.some((n) => n.key === t.key)), ...tags];
  }
  return ec2Response("CreateTags", el("return", true));
};

const deleteTags: Handler = (_world, region, p) => {
  const keys: string[] = [];
  for (let i = 1; p.has(`Tag.${i}.Key`); i++) keys.push(p.get(`Tag.${i}.Key`)!);
  for (const id of list(p, "ResourceId")) {
    const r = taggable(region, id);
    r.tags = r.tags.filter((t) => !keys.includes(t.key));
  }
  return ec2Response("DeleteTags", el("return", true));
};

const createSecurityGroup: Handler = (world, region, p) => {
  dryRun(p);
  const name = required(p, "GroupName");
  const vpcId = required(p, "VpcId");
  for (const g of region.securityGroups.values()) {
    if (g.name === name && g.vpcId === vpcId) throw new LabError("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`);
  }
  const id = newId(world, "sg");
  region.securityGroups.set(id, { id, name, description: required(p, "GroupDescription"), vpcId, egressOpen: true, tags: tagSpecs(p, "security-group") });
  return ec2Response("CreateSecurityGroup", el("return", true) + el("groupId", id));
};

const describeSecurityGroups: Handler = (world, region, p) => {
  const ids = list(p, "GroupId");
  const f = filters(p);
  const groups = [...region.securityGroups.values()].filter((g) => (!ids.length || ids.includes(g.id)) &&
    (!f.has("group-name") || f.get("group-name")!.includes(g.name)) && (!f.has("vpc-id") || f.get("vpc-id")!.includes(g.vpcId)));
  return ec2Response("DescribeSecurityGroups", items("securityGroupInfo", groups.map((g) => el("ownerId", world.account) + el("groupId", g.id) +
    el("groupName", g.name) + el("groupDescription", g.description) + el("vpcId", g.vpcId) + items("ipPermissions", []) +
    items("ipPermissionsEgress", g.egressOpen ? [el("ipProtocol", "-1") + items("ipRanges", [el("cidrIp", "0.0.0.0/0")])] : []) + tagSet(g.tags))));
};

const revokeSecurityGroupEgress: Handler = (_world, region, p) => {
  const g = region.securityGroups.get(required(p, "GroupId"));
  if (!g) throw new LabError("InvalidGroup.NotFound", `The security group '${p.get("GroupId")}' does not exist`);
  g.egressOpen = false;
  return ec2Response("RevokeSecurityGroupEgress", el("return", true));
};

function transition(action: string, to: InstanceStateName, shown: InstanceStateName, allowed: (i: LabInstance) => void): Handler {
  return (world, region, p) => {
    const ids = list(p, "InstanceId");
    const insts = ids.map((id) => instance(region, id));
    for (const i of insts) allowed(i);
    dryRun(p);
    const out = insts.map((i) => {
      const previous = i.state;
      if (i.state !== "terminated") i.state = to;
      return el("instanceId", i.id) + wrap("currentState", state(i.state === to ? shown : i.state)) + wrap("previousState", state(previous));
    });
    if (to === "terminated") {
      for (const i of insts) for (const v of i.volumeIds) region.volumes.delete(v);
      reconcileGroups(world, region, (g) => launchFromGroup(world, region, g));
      for (const i of insts) relaunchSpot(world, region, i);
    }
    return ec2Response(action, items("instancesSet", out));
  };
}

/** A persistent spot request whose instance went away asks for another (why cancel-spot-requests exists). */
function relaunchSpot(world: LabWorld, region: LabRegion, gone: LabInstance): void {
  const req = gone.spotRequestId ? region.spotRequests.get(gone.spotRequestId) : undefined;
  if (!req || req.type !== "persistent" || req.state !== "active") return;
  const copy = { ...gone, id: newId(world, "i"), state: "running" as const, launchTime: world.now().toISOString(), volumeIds: [] as string[] };
  region.instances.set(copy.id, copy);
  region.order.push(copy.id);
  req.instanceId = copy.id;
}

const stopInstances = transition("StopInstances", "stopped", "stopping", (i) => {
  if (i.state === "terminated") throw new LabError("IncorrectInstanceState", `This instance '${i.id}' is not in a state from which it can be stopped.`);
});
const startInstances = transition("StartInstances", "running", "pending", (i) => {
  if (i.state === "terminated") throw new LabError("IncorrectInstanceState", `The instance '${i.id}' is not in a state from which it can be started.`);
});
const terminateInstances = transition("TerminateInstances", "terminated", "shutting-down", (i) => {
  if (i.disableApiTermination) throw new LabError("OperationNotPermitted", `The instance '${i.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
});

const describeSpotInstanceRequests: Handler = (_world, region, p) => {
  const ids = list(p, "SpotInstanceRequestId");
  const reqs = [...region.spotRequests.values()].filter((r) => !ids.length || ids.includes(r.id));
  return ec2Response("DescribeSpotInstanceRequests", items("spotInstanceRequestSet", reqs.map((r) => el("spotInstanceRequestId", r.id) +
    el("state", r.state) + el("type", r.type) + el("instanceId", r.instanceId) + el("createTime", r.createTime) +
    wrap("launchSpecification", el("instanceType", r.instanceType)))));
};

const cancelSpotInstanceRequests: Handler = (_world, region, p) => {
  dryRun(p);
  const out = list(p, "SpotInstanceRequestId").map((id) => {
    const r = region.spotRequests.get(id);
    if (!r) throw new LabError("InvalidSpotInstanceRequestID.NotFound", `The spot instance request ID '${id}' does not exist`);
    r.state = "cancelled";
    return el("spotInstanceRequestId", id) + el("state", "cancelled");
  });
  return ec2Response("CancelSpotInstanceRequests", items("spotInstanceRequestSet", out));
};

const describeLaunchTemplates: Handler = (_world, region, p) => {
  const ids = list(p, "LaunchTemplateId");
  const lts = [...region.launchTemplates.values()].filter((t) => !ids.length || ids.includes(t.id));
  return ec2Response("DescribeLaunchTemplates", items("launchTemplates", lts.map((t) => el("launchTemplateId", t.id) + el("launchTemplateName", t.name) +
    el("createTime", t.createTime) + el("createdBy", t.createdBy) + el("defaultVersionNumber", 1) + el("latestVersionNumber", 1))));
};

export const EC2: Record<string, Handler> = {
  DescribeRegions: describeRegions, DescribeInstances: describeInstances, DescribeInstanceAttribute: describeInstanceAttribute,
  ModifyInstanceAttribute: modifyInstanceAttribute, DescribeVolumes: describeVolumes, CreateSnapshot: createSnapshot,
  DescribeSnapshots: describeSnapshots, CreateTags: createTags, DeleteTags: deleteTags, CreateSecurityGroup: createSecurityGroup,
  DescribeSecurityGroups: describeSecurityGroups, RevokeSecurityGroupEgress: revokeSecurityGroupEgress,
  StopInstances: stopInstances, StartInstances: startInstances, TerminateInstances: terminateInstances,
  DescribeSpotInstanceRequests: describeSpotInstanceRequests, CancelSpotInstanceRequests: cancelSpotInstanceRequests,
  DescribeLaunchTemplates: describeLaunchTemplates,
};

