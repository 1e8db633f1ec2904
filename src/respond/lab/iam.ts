/** The lab's IAM and STS (awsQuery protocol, XML): users, access keys, user policies, caller identity. */
import { LabError, el, members, queryResponse, required, type Params } from "./protocol.js";
import type { LabUser, LabWorld } from "./world.js";

type Handler = (world: LabWorld, p: Params) => string;
const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const ok = (action: string, inner = "") => queryResponse(action, IAM_NS, inner);

function user(world: LabWorld, name: string): LabUser {
  const u = world.users.get(name);
  if (!u) throw new LabError("NoSuchEntity", `The user with name ${name} cannot be found.`, 404);
  return u;
}

function keyOwner(world: LabWorld, keyId: string): LabUser {
  for (const u of world.users.values()) if (u.keys.some((k) => k.id === keyId)) return u;
  throw new LabError("NoSuchEntity", `The Access Key with id ${keyId} cannot be found.`, 404);
}

const userXml = (world: LabWorld, u: LabUser) => el("Path", "/") + el("UserName", u.name) + el("UserId", u.id) + el("Arn", `arn:aws:iam::${world.account}:user/${u.name}`) + el("CreateDate", u.created);

/** Marker pagination as IAM does it (MaxItems, Marker, IsTruncated). */
function page<T>(all: T[], p: Params): { page: T[]; tail: string } {
  const max = Number(p.get("MaxItems") ?? 100);
  const start = Number(p.get("Marker") ?? 0);
  const slice = all.slice(start, start + max);
  const more = start + max < all.length;
  return { page: slice, tail: el("IsTruncated", more) + (more ? el("Marker", String(start + max)) : "") };
}

export const IAM: Record<string, Handler> = {
  ListUsers: (world, p) => {
    const { page: users, tail } = page([...world.users.values()], p);
    return ok("ListUsers", members("Users", users.map((u) => userXml(world, u))) + tail);
  },
  GetUser: (world, p) => ok("GetUser", `<User>${userXml(world, user(world, required(p, "UserName")))}</User>`),
  ListAccessKeys: (world, p) => {
    const u = user(world, required(p, "UserName"));
    return ok("ListAccessKeys", members("AccessKeyMetadata", u.keys.map((k) => el("UserName", u.name) + el("AccessKeyId", k.id) + el("Status", k.status) + el("CreateDate", k.created))) + el("IsTruncated", false));
  },
  UpdateAccessKey: (world, p) => {
    const id = required(p, "AccessKeyId");
    const status = required(p, "Status");
    if (status !== "Active" && status !== "Inactive") throw new LabError("ValidationError", `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`);
    const owner = p.has("UserName") ? user(world, p.get("UserName")!) : keyOwner(world, id);
    const key = owner.keys.find((k) => k.id === id);
    if (!key) throw new LabError("NoSuchEntity", `The Access Key with id ${id} cannot be found.`, 404);
    key.status = status;
    return ok("UpdateAccessKey");
  },
  DeleteAccessKey: (world, p) => {
    const id = required(p, "AccessKeyId");
    const owner = p.has("UserName") ? user(world, p.get("UserName")!) : keyOwner(world, id);
    if (!owner.keys.some((k) => k.id === id)) throw new LabError("NoSuchEntity", `The Access Key with id ${id} cannot be found.`, 404);
    owner.keys = owner.keys.filter((k) => k.id !== id);
    return ok("DeleteAccessKey");
  },
  GetAccessKeyLastUsed: (world, p) => {
    const id = required(p, "AccessKeyId");
    const owner = keyOwner(world, id);
    const used = owner.keys.find((k) => k.id === id)!.lastUsed;
    return ok("GetAccessKeyLastUsed", el("UserName", owner.name) + `<AccessKeyLastUsed>${used ? el("LastUsedDate", used.date) + el("ServiceName", used.service) + el("Region", used.region) : el("ServiceName", "N/A") + el("Region", "N/A")}</AccessKeyLastUsed>`);
  },
  AttachUserPolicy: (world, p) => {
    const u = user(world, required(p, "UserName"));
    const arn = required(p, "PolicyArn");
    if (!u.attachedPolicies.includes(arn)) u.attachedPolicies.push(arn);
    return ok("AttachUserPolicy");
  },
  DetachUserPolicy: (world, p) => {
    const u = user(world, required(p, "UserName"));
    const arn = required(p, "PolicyArn");
    if (!u.attachedPolicies.includes(arn)) throw new LabError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
    u.attachedPolicies = u.attachedPolicies.filter((a) => a !== arn);
    return ok("DetachUserPolicy");
  },
  ListAttachedUserPolicies: (world, p) => {
    const u = user(world, required(p, "UserName"));
    return ok("ListAttachedUserPolicies", members("AttachedPolicies", u.attachedPolicies.map((a) => el("PolicyName", a.split("/").pop()) + el("PolicyArn", a))) + el("IsTruncated", false));
  },
  PutUserPolicy: (world, p) => {
    const u = user(world, required(p, "UserName"));
    const doc = required(p, "PolicyDocument");
    try { JSON.parse(doc); } catch { throw new LabError("MalformedPolicyDocument", "Syntax errors in policy."); }
    u.inlinePolicies[required(p, "PolicyName")] = doc;
    return ok("PutUserPolicy");
  },
  GetUserPolicy: (world, p) => {
    const u = user(world, required(p, "UserName"));
    const name = required(p, "PolicyName");
    const doc = u.inlinePolicies[name];
    if (doc === undefined) throw new LabError("NoSuchEntity", `The user policy with name ${name} cannot be found.`, 404);
    // IAM returns the document URL-encoded (RFC 3986).
    return ok("GetUserPolicy", el("UserName", u.name) + el("PolicyName", name) + el("PolicyDocument", encodeURIComponent(doc)));
  },
  DeleteUserPolicy: (world, p) => {
    const u = user(world, required(p, "UserName"));
    const name = required(p, "PolicyName");
    if (u.inlinePolicies[name] === undefined) throw new LabError("NoSuchEntity", `The user policy with name ${name} cannot be found.`, 404);
    delete u.inlinePolicies[name];
    return ok("DeleteUserPolicy");
  },
  ListUserPolicies: (world, p) => {
    const u = user(world, required(p, "UserName"));
    return ok("ListUserPolicies", members("PolicyNames", Object.keys(u.inlinePolicies).map((n) => n.replace(/&/g, "&amp;").replace(/</g, "&lt;"))) + el("IsTruncated", false));
  },
};

export const STS: Record<string, Handler> = {
  GetCallerIdentity: (world) => queryResponse("GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
    el("Arn", `arn:aws:sts::${world.account}:assumed-role/minerhunt/responder`) + el("UserId", "AROALAB0MINERHUNT:responder") + el("Account", world.account)),
};

