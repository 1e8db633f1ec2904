/**
 * The hints for one input file: `scan --metric` applies to every file; the config's `inputs` entries apply to
 * the files their glob matches (on the file name, or on the whole path when the pattern holds a "/"), first
 * match wins, and a config entry is more specific than the command-line default.
 */
import { basename } from "node:path";
import type { DetectConfig } from "../detect/config.js";
import { globMatch } from "../detect/detectors/host/glob.js";
import type { InputHints, MetricHint } from "../sources/types.js";

export function hintsFor(path: string, metric: MetricHint | undefined, inputs: DetectConfig["inputs"]): InputHints | undefined {
  const normalised = path.replace(/\\/g, "/");
  const entry = inputs.find((i) => globMatch(i.match, i.match.includes("/") ? normalised : basename(normalised)));
  const chosen = entry?.metric ?? metric;
  return chosen !== undefined ? { metric: chosen } : undefined;
}
