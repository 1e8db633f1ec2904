/**
 * Detector routes in the sources' own terms: a detector names the logsources it reads ("proxy",
 * "aws/cloudtrail", the names sources declare in `emits[].sigma`) and gets the datasets the sources
 * declare for them, so no detector repeats a dataset name a source owns.
 */
import { allSources } from "../sources/index.js";
import type { Source } from "../sources/types.js";

/** The datasets the sources declare for any of these logsources; a name no source declares is an error (a typo routes nothing). */
export function datasetsFor(logsources: readonly string[], sources: readonly Source[] = allSources): string[] {
  const out = new Set<string>();
  for (const name of logsources) {
    let found = false;
    for (const s of sources) for (const d of s.emits) if (d.sigma?.includes(name)) { out.add(d.dataset); found = true; }
    if (!found) throw new Error(`no source declares logsource "${name}" (src/sources/*: emits[].sigma)`);
  }
  return [...out];
}
