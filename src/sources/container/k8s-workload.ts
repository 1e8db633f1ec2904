/**
 * What a submitted Kubernetes object would run: every container image and command line, and the
 * settings that let a miner escape to the node (privileged, hostPath, hostPID, hostNetwork).
 *
 * The pod spec sits at a different depth per kind: Pod `spec`; Deployment, DaemonSet, StatefulSet,
 * ReplicaSet, Job, ReplicationController `spec.template.spec`; CronJob `spec.jobTemplate.spec.template.spec`;
 * PodTemplate `template.spec`. A JSON Patch (array of operations) is read for images and commands.
 */
import { type JsonObject, asArray, asObject, asString, dig } from "../cloud/values.js";

export interface WorkloadFacts {
  images: string[];
  /** Each container's command + args joined with spaces. */
  commandLines: string[];
  privileged: boolean;
  hostPaths: string[];
  hostPID: boolean;
  hostNetwork: boolean;
  hostIPC: boolean;
  serviceAccount?: string;
}

/** Containers read per object: enough for any real pod, a bound for a hostile one. */
const MAX_CONTAINERS = 256;
/** Characters kept of one command line. */
const MAX_COMMAND_CHARS = 8 * 1024;

/** The pod spec inside an object of any workload kind, or undefined. */
export function podSpecOf(obj: JsonObject): JsonObject | undefined {
  const candidates = [
    dig(obj, "spec", "jobTemplate", "spec", "template", "spec"),
    dig(obj, "spec", "template", "spec"),
    dig(obj, "template", "spec"),
    obj.spec,
  ];
  for (const c of candidates) {
    const spec = asObject(c);
    if (spec && (Array.isArray(spec.containers) || Array.isArray(spec.initContainers) || Array.isArray(spec.ephemeralContainers))) return spec;
  }
  return undefined;
}

function commandLineOf(container: JsonObject): string | undefined {
  const words = [...asArray(container.command), ...asArray(container.args)].map(asString).filter((w): w is string => w !== undefined);
  if (words.length === 0) return undefined;
  return words.join(" ").slice(0, MAX_COMMAND_CHARS);
}

export function workloadFacts(spec: JsonObject): WorkloadFacts {
  const facts: WorkloadFacts = {
    images: [], commandLines: [], privileged: false, hostPaths: [],
    hostPID: spec.hostPID === true, hostNetwork: spec.hostNetwork === true, hostIPC: spec.hostIPC === true,
    serviceAccount: asString(spec.serviceAccountName) ?? asString(spec.serviceAccount),
  };
  const containers = [...asArray(spec.initContainers), ...asArray(spec.containers), ...asArray(spec.ephemeralContainers)].slice(0, MAX_CONTAINERS);
  for (const raw of containers) {
    const c = asObject(raw);
    if (!c) continue;
    const image = asString(c.image);
    if (image && !facts.images.includes(image)) facts.images.push(image);
    const cmd = commandLineOf(c);
    if (cmd) facts.commandLines.push(cmd);
    if (dig(c, "securityContext", "privileged") === true) facts.privileged = true;
  }
  for (const v of asArray(spec.volumes).slice(0, MAX_CONTAINERS)) {
    const path = asString(dig(v, "hostPath", "path"));
    if (path && !facts.hostPaths.includes(path)) facts.hostPaths.push(path);
  }
  return facts;
}

/** Images and command lines set by a JSON Patch (`[{"op":"replace","path":"/spec/containers/0/image","value":"..."}]`). */
export function jsonPatchFacts(ops: unknown[]): Pick<WorkloadFacts, "images" | "commandLines"> & { privileged: boolean } {
  const out = { images: [] as string[], commandLines: [] as string[], privileged: false };
  for (const raw of ops.slice(0, MAX_CONTAINERS)) {
    const op = asObject(raw);
    const path = asString(op?.path);
    if (!op || !path) continue;
    const value = op.value;
    if (path.endsWith("/image") && typeof value === "string") out.images.push(value);
    else if ((path.endsWith("/command") || path.endsWith("/args")) && Array.isArray(value)) {
      const words = value.map(asString).filter((w): w is string => w !== undefined);
      if (words.length > 0) out.commandLines.push(words.join(" ").slice(0, MAX_COMMAND_CHARS));
    } else if (path.endsWith("/privileged") && value === true) out.privileged = true;
    else if (/\/(?:containers|initContainers|ephemeralContainers)\/(?:\d+|-)$/.test(path)) {
      // A whole container added.
      const c = asObject(value);
      const image = asString(c?.image);
      if (image) out.images.push(image);
      const cmd = c ? commandLineOf(c) : undefined;
      if (cmd) out.commandLines.push(cmd);
      if (dig(c, "securityContext", "privileged") === true) out.privileged = true;
    }
  }
  return out;
}
