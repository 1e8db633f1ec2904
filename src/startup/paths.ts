/**
 * Where minerhunt's own files live: the package root, found by walking up from this module to the
 * package.json that names minerhunt. Every shipped file (data/, playbooks/, rules/, dist/snapshot.json)
 * is located from the root, so the same code works run from src/ (tsx, tests), from dist/ (tsc) and
 * from the bundle (dist/bundle/, one file per entry) without knowing how deep it sits.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name === "minerhunt") return (root = dir);
      } catch {
        // a package.json that is not ours or not JSON: keep looking
      }
    }
    if (dirname(dir) === dir) throw new Error(`minerhunt: cannot find its package root above ${start}`);
  }
}

/** A path under the package's data/ folder: dataPath("intel"), dataPath("sigma", "fields.yaml"). */
export function dataPath(...parts: string[]): string {
  return join(packageRoot(), "data", ...parts);
}
