/** Where the Sigma engine's own files live (see startup/paths.ts). */
import { join } from "node:path";
import { dataPath, packageRoot } from "../../startup/paths.js";

/** The project's PB-31 rule pack. */
export function defaultRuleDirs(): string[] {
  return [join(packageRoot(), "rules")];
}

/** The routing and field-mapping tables. */
export function dataDir(): string {
  return dataPath("sigma");
}
