import { makeFinding, type Event, type Finding } from "../model/index.js";
import type { Intel } from "../intel/types.js";
import type { DetectConfig } from "./config.js";
import type { Detector, DetectorRun } from "./types.js";

/**
 * Runs detectors over a stream of events. Events are routed by dataset and category first, so a
 * detector never sees what it cannot use (the speed comes from not doing work). One engine is one
 * unit of state: several engines can run in parallel workers.
 */
export class DetectionEngine {
  private readonly byDataset = new Map<string, DetectorRun[]>();
  private readonly byCategory = new Map<string, DetectorRun[]>();
  private readonly runs: DetectorRun[] = [];
  private readonly findings = new Map<string, Finding>();
  private readonly routeCache = new Map<string, DetectorRun[]>();
  events = 0;
  /** Problems detectors reported (rules disabled mid-scan); the scan adds them to its issues. */
  readonly warnings: { file: string; line?: number; message: string }[] = [];

  constructor(detectors: readonly Detector[], intel: Intel, config: DetectConfig) {
    for (const d of detectors) {
      const run = d.start({
        intel, config,
        emit: (draft) => {
          const f = makeFinding(draft);
          const prev = this.findings.get(f.id);
          if (!prev || prev.evidenceCount < f.evidenceCount) this.findings.set(f.id, f);
        },
        warn: (issue) => { if (this.warnings.length < 100) this.warnings.push(issue); },
      });
      this.runs.push(run);
      for (const ds of d.routes.datasets ?? []) push(this.byDataset, ds, run);
      for (const c of d.routes.categories ?? []) push(this.byCategory, c, run);
    }
  }

  /** Detector runs for an event's dataset + categories, cached per distinct combination. */
  private route(event: Event): DetectorRun[] {
    const ds = typeof event["event.dataset"] === "string" ? event["event.dataset"] : "";
    const cat = event["event.category"];
    const cats: readonly string[] = typeof cat === "string" ? [cat] : Array.isArray(cat) ? (cat as readonly string[]) : [];
    const key = cats.length ? `${ds}\0${cats.join("\0")}` : ds;
    let runs = this.routeCache.get(key);
    if (!runs) {
      const set = new Set<DetectorRun>(this.byDataset.get(ds) ?? []);
      for (const c of cats) for (const r of this.byCategory.get(c) ?? []) set.add(r);
      runs = [...set];
      if (this.routeCache.size < 10_000) this.routeCache.set(key, runs);
    }
    return runs;
  }

  onEvent(event: Event): void {
    this.events++;
    const runs = this.route(event);
    for (let i = 0; i < runs.length; i++) runs[i]!.onEvent(event);
  }

  /** End of input: flush windows and return every finding (deduplicated by id). */
  finish(): Finding[] {
    for (const r of this.runs) r.finish();
    return [...this.findings.values()].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
