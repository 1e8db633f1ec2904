import { str } from "../../../model/index.js";
import type { Event, Observable } from "../../../model/index.js";
import { provenance } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { analyseCommandLine, baseName, commandLineOf } from "./command-line.js";

/**
 * The entry vector PB-31 asks about (§1.3 "Entry vector (exploit/credential/supply chain)"): a network
 * service (intel.servicePrograms: postgres, redis-server, java, httpd ...) starting a command that
 * downloads and runs a script (`curl … | sh`), or a downloader fetching from a URL. That is how Kinsing,
 * 8220 and WatchDog get in through exploited databases and web apps (T1190), and it answers the
 * analysis item with the exploited service named.
 *
 * One finding per (host, service, command line); the map of keys already reported is bounded.
 */
export const ENTRY_VECTOR_ID = "minerhunt.host.entry-vector";
const TITLE = "Service exploited to download and run code (entry vector)";

const DOWNLOAD_AND_RUN = 0.55;
const DOWNLOAD_ONLY = 0.35;
const DOWNLOADERS = new Set(["curl", "wget", "fetch", "tftp", "busybox"]);
const MAX_KEYS = 10_000;
/** http(s) URLs in a command line; simple and linear (no nested quantifiers). */
const URL = /https?:\/\/[^\s'"|;&`<>()]{1,300}/g;

function parentName(event: Event): string | undefined {
  const name = str(event, "process.parent.name") ?? str(event, "process.parent.executable");
  return name ? baseName(name).toLowerCase() : undefined;
}

export const entryVectorDetector: Detector = {
  id: ENTRY_VECTOR_ID,
  title: TITLE,
  routes: { categories: ["process"] },
  start(ctx) {
    const services = new Set(ctx.intel.servicePrograms);
    const reported = new Set<string>();
    return {
      onEvent(event) {
        if (event["event.dataset"] === "falco.alerts") return; // Falco alerts are the container detectors'
        const parent = parentName(event);
        if (!parent || !services.has(parent)) return;
        const commandLine = commandLineOf(event);
        if (!commandLine) return;
        const a = analyseCommandLine(commandLine, ctx.intel);
        if (a.onlyTextTools) return;
        const downloader = a.segments.some((s) => DOWNLOADERS.has(s.programName.toLowerCase()));
        if (!a.downloadAndRun && !downloader) return;
        const host = str(event, "host.name") ?? "";
        const key = `${host}\0${parent}\0${commandLine.slice(0, 512)}`;
        if (reported.has(key) || reported.size >= MAX_KEYS) return;
        reported.add(key);
        const urls = [...commandLine.slice(0, 4096).matchAll(URL)].map((m) => m[0]).slice(0, 5);
        const observables: Observable[] = [
          ...obs("command-line", commandLine),
          ...obs("process", parent),
          ...urls.flatMap((u) => obs("url", u)),
        ];
        ctx.emit({
          rule: { id: ENTRY_VECTOR_ID, name: TITLE, kind: "detector" },
          title: `${clip(parent, 40)} ${a.downloadAndRun ? "ran a downloaded script" : "downloaded code"}${host ? ` on ${clip(host, 60)}` : ""}: ${clip(commandLine, 100)}`,
          description: `The network service ${clip(parent, 40)} started \`${clip(commandLine, 200)}\`. A service that fetches and runs code ` +
            "is how miners usually get in (an exploited database, cache or web application): patch and isolate it (PB-31 eradication 5).",
          trigger: "host",
          severity: a.downloadAndRun ? "high" : "medium",
          confidence: a.downloadAndRun ? DOWNLOAD_AND_RUN : DOWNLOAD_ONLY,
          firstSeen: timeOf(event),
          lastSeen: timeOf(event),
          entities: entitiesOf(event),
          observables,
          evidence: [provenance(event, `${clip(parent, 40)} → ${clip(commandLine, 140)}`)],
          facts: { "entry.service": parent, "entry.download_and_run": a.downloadAndRun },
          tags: ["entry-vector", "attack.initial-access"],
          mitre: ["T1190", "T1105"],
          key,
        });
      },
      finish() {},
    };
  },
};
