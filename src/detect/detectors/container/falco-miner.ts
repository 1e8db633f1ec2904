import type { Entities, Event, Observable, Severity } from "../../../model/index.js";
import { provenance, SEVERITIES, str, strs } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { FindingGroups } from "./finding-groups.js";
import { commandLineIndicators, describeSigns, minerSigns, type MinerSign } from "./miner-signs.js";
import { datasetsFor } from "../../routes.js";

/**
 * Falco alerts. Falco's own miner rules ("Detect crypto miners using the Stratum protocol", "Detect
 * outbound connections to common miner pool ports") and any rule whose name or tags speak of mining
 * or carry T1496 are findings. Any other rule (the ones that come with cryptojacking: "Drop and
 * execute new binary in container", "Execution from /dev/shm", "Run shell untrusted", "Clear Log
 * Activities"...) counts only as weak support, and only when its process or command line shows a
 * miner by intel; otherwise it says nothing about mining and is ignored.
 */

export const MINER_RULE_CONFIDENCE = 0.85;
export const SUPPORTING_CONFIDENCE = 0.35;

/**
 * Words in a rule name or tag that mean the rule is about mining. Whole words, so "determining"
 * is not "mining". Rule vocabulary, not indicators: the indicators themselves come from intel.
 */
const MINING_WORDS = new Set(["miner", "miners", "mining", "cryptominer", "cryptominers", "cryptomining", "coinminer", "coinmining", "cryptojacking", "stratum", "t1496"]);
/** Where sources may put Falco's rule tags (ECS top-level "tags"; not yet named in docs/events.md). */
const TAG_FIELDS = ["rule.tags", "tags"];

function words(text: string): string[] {
  return text.toLowerCase().slice(0, 512).split(/[^a-z0-9]+/).filter((w) => w !== "");
}

export function isMinerRule(ruleName: string, tags: readonly string[]): boolean {
  if (words(ruleName).some((w) => MINING_WORDS.has(w))) return true;
  return tags.some((t) => words(t).some((w) => MINING_WORDS.has(w)));
}

/** Falco names a host process's container "host"; that is not a container. */
function containerId(event: Event): string | undefined {
  const id = str(event, "container.id");
  return id && id !== "host" ? id : undefined;
}

function entities(event: Event): Entities {
  const e = entitiesOf(event);
  if (!containerId(event)) delete e.containers;
  const ip = str(event, "destination.ip");
  const port = str(event, "destination.port");
  if (ip && port) e.pools = [`${ip}:${port}`];
  return e;
}

function observables(event: Event, signs: readonly MinerSign[]): Observable[] {
  return [
    ...obs("process", str(event, "process.name")),
    ...obs("file", str(event, "process.executable")),
    ...obs("command-line", str(event, "process.command_line")),
    ...obs("hash", str(event, "process.hash.sha256")),
    ...obs("ip", str(event, "destination.ip")),
    ...obs("port", str(event, "destination.port")),
    ...strs(event, "container.image.name").flatMap((i) => obs("image", i)),
    ...signs.filter((s) => s.kind === "miner-name" || s.kind === "campaign-name").flatMap((s) => obs("process", s.value)),
  ];
}

/** The processes a container runtime starts a container's entrypoint from. */
const ENTRYPOINT_PARENTS = new Set(["containerd-shim", "containerd-shim-runc-v2", "runc", "docker-init", "tini", "dumb-init", "conmon", "crun"]);

/**
 * A miner that is the container's own entrypoint, in an image that is not a known miner image, was
 * built into the image: a compromised image or dependency (PB-31 → PB-32 supply chain), not a miner
 * an attacker started inside a running container or a public miner image deployed through the API.
 */
function builtIntoImage(event: Event, intel: { isMinerImage(image: string): boolean }): boolean {
  const images = strs(event, "container.image.name");
  if (images.length === 0 || images.some((i) => intel.isMinerImage(i))) return false;
  const parent = str(event, "process.parent.name")?.toLowerCase();
  return parent !== undefined && ENTRYPOINT_PARENTS.has(parent);
}

function givenSeverity(event: Event): Severity | undefined {
  const s = str(event, "minerhunt.alert.severity")?.toLowerCase();
  return (SEVERITIES as readonly string[]).includes(s ?? "") ? (s as Severity) : undefined;
}

export const falcoMiner: Detector = {
  id: "falco-miner",
  title: "Falco miner rules, and Falco alerts on processes that are miners",
  routes: { datasets: datasetsFor(["falco/alerts"]) },
  start(ctx) {
    const groups = new FindingGroups(ctx.emit);

    function onEvent(event: Event): void {
      const rule = str(event, "rule.name");
      if (!rule) return;
      const tags = TAG_FIELDS.flatMap((f) => strs(event, f));
      const signs = minerSigns(ctx.intel, {
        processName: str(event, "process.name"),
        executable: str(event, "process.executable"),
        commandLine: str(event, "process.command_line"),
      });
      const minerRule = isMinerRule(rule, tags);
      if (!minerRule && signs.length === 0) return;

      const container = containerId(event);
      const where = container
        ? `container ${clip(str(event, "container.name") ?? container, 60)}${str(event, "container.image.name") ? ` (${clip(str(event, "container.image.name"), 80)})` : ""}`
        : `host ${clip(str(event, "host.name") ?? "?", 60)}`;
      const process = str(event, "process.name") ?? "";
      const title = minerRule
        ? `Falco "${clip(rule, 80)}" in ${where}`
        : `Falco "${clip(rule, 80)}" on a miner process in ${where}: ${clip(describeSigns(signs), 100)}`;
      const severity: Severity = minerRule ? givenSeverity(event) ?? "high" : "low";
      const host = str(event, "host.name") ?? "";
      const named = commandLineIndicators([str(event, "process.command_line") ?? ""], ctx.intel);
      const inImage = (minerRule || signs.length > 0) && container !== undefined && builtIntoImage(event, ctx.intel);
      groups.add([rule, host, container ?? "", process, (str(event, "process.command_line") ?? "").slice(0, 1024)].join("\0"), {
        rule: { id: falcoMiner.id, name: falcoMiner.title, kind: "detector" },
        title,
        description: clip(str(event, "message") ?? rule, 500),
        trigger: container ? "container" : "host",
        severity,
        confidence: minerRule ? MINER_RULE_CONFIDENCE : SUPPORTING_CONFIDENCE,
        firstSeen: timeOf(event),
        lastSeen: timeOf(event),
        entities: { ...entities(event), ...(named.pools.length ? { pools: named.pools } : {}) },
        observables: [...observables(event, signs), ...named.observables],
        evidence: [provenance(event, `${clip(rule, 80)}: ${clip(str(event, "process.command_line") ?? str(event, "message") ?? process, 120)}`)],
        facts: { "falco.rule": rule, "falco.miner_rule": minerRule, ...(signs.length ? { "miner.signs": clip(describeSigns(signs), 200) } : {}) },
        tags: ["falco", ...(minerRule ? [] : ["supporting" as const]), ...(inImage ? ["miner-in-image" as const] : [])],
        ...(inImage ? { mitre: ["T1496", "T1195.002"] } : {}),
        key: `${rule}\0${host}\0${container ?? ""}`,
      });
    }

    return { onEvent, flush: (watermarkMs) => groups.flushIdle(watermarkMs), finish: () => groups.flush() };
  },
};
