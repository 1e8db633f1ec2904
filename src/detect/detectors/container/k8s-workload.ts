import type { Event, Observable, Severity } from "../../../model/index.js";
import { num, provenance, str, strs } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, entitiesOf, mergeEntities, obs, timeOf } from "../common.js";
import { FindingGroups } from "./finding-groups.js";
import { commandLineIndicators, describeSigns, minerSigns, type MinerSign } from "./miner-signs.js";
import { datasetsFor } from "../../routes.js";

/**
 * Kubernetes workloads that run miners, from the API server's audit log: a create, update or patch of
 * a pod or pod controller whose images are miner images (intel.isMinerImage) or whose container
 * command/args carry miner names, Stratum URLs or miner flags.
 *
 * A DaemonSet (one miner per node) or a CronJob (comes back after every kill) is stronger. A refused
 * request (failure / HTTP status >= 400) still shows intent but ran nothing, so it is weaker.
 * Privileged containers and a hostPath of "/" (node escape) are reported as facts.
 *
 * Decision on look-alike images such as "xmrig-exporter" (a Prometheus exporter that reads a
 * miner's HTTP API): the image name alone is NOT a finding. Intel matches whole repository names,
 * not substrings, because monitoring, proxies and dashboards around miners share the word; if such a
 * container's command carries a pool URL or miner flags, the command check reports it.
 *
 * The Deployment → ReplicaSet → Pods cascade (or a DaemonSet's pod per node) is one finding: records
 * with the same cluster, namespace and miner signs fold together (see FindingGroups).
 */

const WORKLOAD_RESOURCES = new Set(["pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers"]);
/** Controllers that put the miner everywhere or bring it back on schedule. */
const PERSISTENT_RESOURCES = new Set(["daemonsets", "cronjobs"]);
/**
 * Which record of a folded group names the finding: the object a person created (a DaemonSet, a
 * Deployment) rather than the Pods its controller made. Ties in confidence break on this.
 */
const RESOURCE_RANK: Record<string, number> = { pods: 0, replicasets: 1, replicationcontrollers: 1, jobs: 2, statefulsets: 3, deployments: 3, daemonsets: 4, cronjobs: 4 };
const WRITE_VERBS: Record<string, string> = { create: "created", update: "updated", patch: "patched" };
export const WORKLOAD_CONFIDENCE = 0.85;
export const PERSISTENT_CONFIDENCE = 0.9;
/** How much a refused request takes off. */
export const REFUSED_PENALTY = 0.25;

function refused(event: Event): boolean {
  if (str(event, "event.outcome") === "failure") return true;
  const status = num(event, "http.response.status_code");
  return status !== undefined && status >= 400;
}

export const k8sWorkload: Detector = {
  id: "k8s-workload",
  title: "Kubernetes workloads created with miner images or miner commands",
  routes: { datasets: datasetsFor(["kubernetes/audit"]) },
  start(ctx) {
    const groups = new FindingGroups(ctx.emit);

    function onEvent(event: Event): void {
      const verb = str(event, "event.action") ?? "";
      const resource = str(event, "orchestrator.resource.type") ?? "";
      if (!Object.hasOwn(WRITE_VERBS, verb) || !WORKLOAD_RESOURCES.has(resource)) return;

      const images = strs(event, "container.image.name");
      const minerImages = images.filter((i) => ctx.intel.isMinerImage(i));
      const signs: MinerSign[] = [];
      const minerCommands: string[] = [];
      for (const command of strs(event, "process.command_line")) {
        const found = minerSigns(ctx.intel, { commandLine: command });
        if (found.length === 0) continue;
        minerCommands.push(command);
        for (const s of found) if (!signs.some((x) => x.kind === s.kind && x.value === s.value)) signs.push(s);
      }
      if (minerImages.length === 0 && signs.length === 0) return;

      const failed = refused(event);
      const persistent = PERSISTENT_RESOURCES.has(resource);
      const confidence = (persistent ? PERSISTENT_CONFIDENCE : WORKLOAD_CONFIDENCE) - (failed ? REFUSED_PENALTY : 0);
      const severity: Severity = failed ? "medium" : persistent ? "critical" : "high";
      const privileged = event["minerhunt.k8s.privileged"] === true || str(event, "minerhunt.k8s.privileged") === "true";
      const hostRoot = strs(event, "minerhunt.k8s.host_path").some((p) => p === "/");
      const namespace = str(event, "orchestrator.namespace") ?? "";
      const name = str(event, "orchestrator.resource.name") ?? "";
      const cluster = str(event, "orchestrator.cluster.name") ?? "";
      const user = str(event, "user.name") ?? "?";
      const what = [...minerImages.map((i) => `image ${i}`), ...(signs.length ? [describeSigns(signs)] : [])].join(", ");
      const kind = resource.replace(/s$/, "");

      const named = commandLineIndicators(minerCommands, ctx.intel);
      const observables: Observable[] = [
        ...named.observables,
        ...minerImages.flatMap((i) => obs("image", i)),
        ...minerCommands.flatMap((c) => obs("command-line", c)),
        ...obs("user", str(event, "user.name")),
        ...obs("ip", str(event, "source.ip")),
        ...obs("user-agent", str(event, "user_agent.original")),
      ];
      const key = [cluster, namespace, [...minerImages].sort().join(","), signs.map((s) => s.value).sort().join(",")].join("\0");
      groups.add(key, {
        rule: { id: k8sWorkload.id, name: k8sWorkload.title, kind: "detector" },
        title: `${failed ? "Refused: " : ""}${kind} ${clip(namespace ? `${namespace}/${name}` : name, 100)} runs a miner (${clip(what, 120)})`,
        description: `${clip(user, 100)} ${WRITE_VERBS[verb]} ${kind} ${clip(name, 100)}${namespace ? ` in namespace ${clip(namespace, 60)}` : ""}` +
          `${cluster ? ` of cluster ${clip(cluster, 60)}` : ""}: ${clip(what, 300)}.` +
          (privileged ? " Privileged container." : "") + (hostRoot ? " Mounts the node's / (hostPath)." : ""),
        trigger: "container",
        severity,
        confidence,
        firstSeen: timeOf(event),
        lastSeen: timeOf(event),
        entities: mergeEntities(entitiesOf(event), name ? { pods: [name] } : {}, { pools: named.pools }),
        observables,
        evidence: [provenance(event, `${verb} ${resource} ${clip(namespace ? `${namespace}/${name}` : name, 100)} by ${clip(user, 80)}${failed ? " (refused)" : ""}: ${clip(what, 120)}`)],
        facts: {
          "k8s.kind": resource,
          "k8s.verb": verb,
          "k8s.refused": failed,
          "k8s.privileged": privileged,
          "k8s.host_path_root": hostRoot,
          ...(minerImages.length ? { "miner.images": clip(minerImages.join(", "), 300) } : {}),
          ...(signs.length ? { "miner.signs": clip(describeSigns(signs), 300) } : {}),
        },
        tags: ["kubernetes", ...(persistent ? ["persistence" as const] : []), ...(privileged || hostRoot ? ["node-escape" as const] : [])],
        key,
      }, confidence * 100 + (RESOURCE_RANK[resource] ?? 0));
    }

    return { onEvent, flush: (watermarkMs) => groups.flushIdle(watermarkMs), finish: () => groups.flush() };
  },
};
