/**
 * Defender for Cloud alert entities (Sentinel `Entities`, ARM `properties.entities`) and Microsoft
 * Graph alert evidence, reduced to the facts an event carries: host, process, user, addresses,
 * Kubernetes objects, images.
 *
 * Entities come as a JSON string (Sentinel), an array (ARM), or grouped by type in an object (some
 * exports). Defender names each entity with `$id` and points at it again with `{"$ref": id}`; those
 * references are followed (one step, so a cycle cannot loop).
 */
import { type JsonObject, asArray, asNumber, asObject, asString, baseName, camelKeys, parseJsonField } from "./values.js";

export interface EntityFacts {
  hosts: string[];
  resourceIds: string[];
  users: string[];
  ips: string[];
  domains: string[];
  urls: string[];
  clusters: string[];
  namespaces: string[];
  pods: string[];
  containers: string[];
  images: string[];
  fileHashes: string[];
  process?: {
    pid?: number;
    commandLine?: string;
    executable?: string;
    name?: string;
    sha256?: string;
    parentPid?: number;
    parentName?: string;
  };
  destination?: { ip?: string; port?: number };
}

export function emptyFacts(): EntityFacts {
  return {
    hosts: [], resourceIds: [], users: [], ips: [], domains: [], urls: [], clusters: [], namespaces: [], pods: [],
    containers: [], images: [], fileHashes: [],
  };
}

const MAX_ENTITIES = 500;
const MAX_ID_WALK_DEPTH = 8;

function push(list: string[], v: unknown): void {
  const s = asString(v);
  if (s !== undefined && !list.includes(s)) list.push(s);
}

/** The entity objects of an alert, with camelCase keys, whatever the packaging. */
export function entityList(raw: unknown): JsonObject[] {
  const parsed = typeof raw === "string" ? parseJsonField(raw) : raw;
  const out: JsonObject[] = [];
  const add = (v: unknown) => {
    const o = asObject(camelKeys(v));
    if (o && out.length < MAX_ENTITIES) out.push(o);
  };
  if (Array.isArray(parsed)) parsed.forEach(add);
  else {
    const o = asObject(parsed);
    if (!o) return out;
    if (Object.hasOwn(o, "type") || Object.hasOwn(o, "Type")) add(o);
    else for (const v of Object.values(o)) (Array.isArray(v) ? v : [v]).forEach(add);
  }
  return out;
}

/** Every object carrying a `$id`, so `$ref`s can be resolved. */
function indexIds(entities: JsonObject[]): Map<string, JsonObject> {
  const ids = new Map<string, JsonObject>();
  const walk = (v: unknown, depth: number) => {
    if (depth > MAX_ID_WALK_DEPTH) return;
    if (Array.isArray(v)) { for (const x of v) walk(x, depth + 1); return; }
    const o = asObject(v);
    if (!o) return;
    const id = asString(o.$id);
    if (id !== undefined && !ids.has(id)) ids.set(id, o);
    for (const x of Object.values(o)) walk(x, depth + 1);
  };
  entities.forEach((e) => walk(e, 0));
  return ids;
}

function resolver(ids: Map<string, JsonObject>): (v: unknown) => JsonObject | undefined {
  return (v) => {
    const o = asObject(v);
    if (!o) return undefined;
    const ref = asString(o.$ref);
    return ref !== undefined ? ids.get(ref) : o;
  };
}

function joinPath(dir: string | undefined, name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (!dir) return name;
  const sep = dir.includes("\\") || /^[a-z]:/i.test(dir) ? "\\" : "/";
  return dir.endsWith(sep) ? dir + name : `${dir}${sep}${name}`;
}

function sha256Of(file: JsonObject | undefined, resolve: (v: unknown) => JsonObject | undefined): string | undefined {
  for (const h of asArray(file?.fileHashes)) {
    const hash = resolve(h);
    if (asString(hash?.algorithm)?.toUpperCase() === "SHA256") return asString(hash?.value);
  }
  return undefined;
}

/** Facts from Defender entities (Sentinel/ARM). */
export function factsFromEntities(entities: JsonObject[]): EntityFacts {
  const facts = emptyFacts();
  const ids = indexIds(entities);
  const resolve = resolver(ids);
  // The process's image file also appears as a file entity; its hash belongs to the process.
  const processImageIds = new Set<string>();
  for (const raw of entities) {
    const ent = resolve(raw);
    if (!ent) continue;
    const type = (asString(ent.type) ?? "").toLowerCase();
    switch (type) {
      case "host":
        push(facts.hosts, ent.hostName ?? ent.netBiosName);
        push(facts.resourceIds, ent.azureID ?? ent.azureId);
        break;
      case "account": {
        const name = asString(ent.name);
        if (name) push(facts.users, name);
        break;
      }
      case "process": {
        if (facts.process) break; // the first process is the one the alert is about
        const image = resolve(ent.imageFile);
        const imageId = asString(image?.$id);
        if (imageId !== undefined) processImageIds.add(imageId);
        const parent = resolve(ent.parentProcess);
        const parentImage = resolve(parent?.imageFile);
        const executable = joinPath(asString(image?.directory), asString(image?.name));
        facts.process = {
          pid: asNumber(ent.processId),
          commandLine: asString(ent.commandLine),
          executable,
          name: asString(image?.name) ?? (executable ? baseName(executable) : undefined),
          sha256: sha256Of(image, resolve),
          parentPid: asNumber(parent?.processId),
          parentName: asString(parentImage?.name),
        };
        const account = resolve(ent.account);
        if (account) push(facts.users, account.name);
        break;
      }
      case "file":
        if (!processImageIds.has(asString(ent.$id) ?? "")) push(facts.fileHashes, sha256Of(ent, resolve));
        break;
      case "ip":
        push(facts.ips, ent.address);
        break;
      case "dns":
        push(facts.domains, asString(ent.domainName)?.toLowerCase().replace(/\.$/, ""));
        break;
      case "url":
        push(facts.urls, ent.url);
        break;
      case "azure-resource":
        push(facts.resourceIds, ent.resourceId);
        break;
      case "k8s-cluster":
        push(facts.clusters, ent.name);
        break;
      case "k8s-namespace":
        push(facts.namespaces, ent.name);
        break;
      case "k8s-pod": {
        push(facts.pods, ent.name);
        push(facts.namespaces, resolve(ent.namespace)?.name);
        break;
      }
      case "container":
        push(facts.containers, ent.name);
        push(facts.images, resolve(ent.image)?.imageId);
        break;
      case "container-image":
        push(facts.images, ent.imageId);
        break;
      case "network-connection": {
        const dst = resolve(ent.destinationAddress);
        facts.destination = { ip: asString(dst?.address), port: asNumber(ent.destinationPort) };
        break;
      }
    }
  }
  // A file entity seen before its process entity was counted as a loose hash: take it back out.
  if (facts.process?.sha256) facts.fileHashes = facts.fileHashes.filter((h) => h !== facts.process?.sha256);
  return facts;
}

/** Facts from Microsoft Graph security alert evidence (`@odata.type` says what each item is). */
export function factsFromGraphEvidence(evidence: unknown): EntityFacts {
  const facts = emptyFacts();
  for (const item of asArray(evidence).slice(0, MAX_ENTITIES)) {
    const ev = asObject(item);
    if (!ev) continue;
    const type = (asString(ev["@odata.type"]) ?? "").replace(/^#?microsoft\.graph\.security\./, "");
    switch (type) {
      case "deviceEvidence":
        push(facts.hosts, ev.hostName ?? ev.deviceDnsName);
        for (const ip of asArray(ev.ipInterfaces)) push(facts.ips, ip);
        break;
      case "processEvidence": {
        if (facts.process) break;
        const image = asObject(ev.imageFile);
        const parentImage = asObject(ev.parentProcessImageFile);
        const executable = joinPath(asString(image?.filePath), asString(image?.fileName));
        facts.process = {
          pid: asNumber(ev.processId),
          commandLine: asString(ev.processCommandLine),
          executable,
          name: asString(image?.fileName),
          sha256: asString(image?.sha256),
          parentPid: asNumber(ev.parentProcessId),
          parentName: asString(parentImage?.fileName),
        };
        push(facts.users, asObject(ev.userAccount)?.accountName);
        break;
      }
      case "fileEvidence":
        push(facts.fileHashes, asObject(ev.fileDetails)?.sha256);
        break;
      case "ipEvidence":
        push(facts.ips, ev.ipAddress);
        break;
      case "userEvidence":
        push(facts.users, asObject(ev.userAccount)?.accountName);
        break;
      case "urlEvidence":
        push(facts.urls, ev.url);
        break;
      case "azureResourceEvidence":
        push(facts.resourceIds, ev.resourceId);
        break;
      case "kubernetesClusterEvidence":
        push(facts.clusters, ev.name);
        break;
      case "kubernetesNamespaceEvidence":
        push(facts.namespaces, ev.name);
        break;
      case "kubernetesPodEvidence":
        push(facts.pods, ev.name);
        push(facts.namespaces, asObject(ev.namespace)?.name);
        break;
      case "containerEvidence":
        push(facts.containers, ev.name);
        push(facts.images, asObject(ev.image)?.imageId);
        break;
      case "containerImageEvidence":
        push(facts.images, ev.imageId);
        break;
    }
  }
  return facts;
}
