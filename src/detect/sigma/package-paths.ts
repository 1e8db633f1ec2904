/**
 * Where the engine's own files live, found from this module's location so the same code works when
 * run from src/ (tsx) and from dist/ (built).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The package root: the nearest folder above this module whose package.json names minerhunt. */
export function packageRoot(): string {
  let dir = HERE;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        const parsed = JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown };
        if (parsed.name === "minerhunt") return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(HERE, "../../..");
    dir = up;
  }
}

/** The project's PB-31 rule pack. */
export function defaultRuleDirs(): string[] {
  return [join(packageRoot(), "rules")];
}

/**
 * The routing and field-mapping tables. Beside this module when the build copied them, else in
 * the source tree (tsc does not copy YAML into dist/).
 */
export function dataDir(): string {
  const beside = join(HERE, "data");
  if (existsSync(join(beside, "logsources.yaml"))) return beside;
  return join(packageRoot(), "src", "detect", "sigma", "data");
}
