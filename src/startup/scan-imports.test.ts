import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "../test-helpers/index.js";

/**
 * What a scan loads before it reads a byte: every module reached by static imports (`import type` and
 * `await import()` do not count: they load nothing or load later) from the CLI's entry and the scan
 * command. Loading zod and building schemas cost about 0.1 CPU-s, the YAML parser a few hundredths: a
 * one-line scan cost 0.44 CPU-s with them. The build snapshot holds the checked data, so a scan needs
 * neither unless a file is missing from it (playbook/load-fast.ts, intel/load-fast.ts, sigma/tables-fast.ts).
 * re2js (about 30 ms with its first compile) is loaded by the first rule regex an event reaches (sigma/regex.ts).
 */
const SCAN_ENTRIES = ["src/apps/cli/main.ts", "src/apps/cli/scan.ts", "src/pipeline/run.ts", "src/pipeline/output/text.ts"];

/** The static, value-carrying import and re-export specifiers of a TypeScript module. */
function staticImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gm)) {
    if (m[2]) continue; // import type / export type
    const names = m[3]!.trim();
    // `import { type A, type B } from` carries no value either.
    if (/^\{[\s\S]*\}$/.test(names) && names.slice(1, -1).split(",").map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith("type "))) continue;
    out.push(m[4]!);
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(m[1]!);
  return out;
}

/** Every module and package the entries reach through static imports. */
function reach(entries: readonly string[]): { modules: Set<string>; packages: Map<string, string> } {
  const modules = new Set<string>();
  const packages = new Map<string, string>(); // package → the first module that imports it
  const queue = entries.map((e) => join(REPO_ROOT, e));
  while (queue.length) {
    const file = queue.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
        assert.ok(existsSync(target), `${relative(REPO_ROOT, file)} imports ${spec}, which is not there`);
        queue.push(target);
      } else if (!spec.startsWith("node:")) {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        if (!packages.has(name)) packages.set(name, relative(REPO_ROOT, file));
      }
    }
  }
  return { modules, packages };
}

test("a scan's start imports neither zod, the YAML parser nor the regex engine", () => {
  const { modules, packages } = reach(SCAN_ENTRIES);
  assert.ok(modules.size > 50, `the walk found the scan's modules (${modules.size})`);
  for (const heavy of ["zod", "yaml", "re2js"]) {
    assert.equal(packages.get(heavy), undefined, `${heavy} is imported by ${packages.get(heavy)}, which a scan loads at start`);
  }
});

test("the import walk sees what it must: a module that imports zod is found", () => {
  // The checked loaders do import zod and yaml: if the walk missed them, the test above could not fail.
  const { packages } = reach(["src/playbook/load.ts", "src/intel/inventory.ts"]);
  assert.ok(packages.has("zod"));
  assert.ok(packages.has("yaml"));
  assert.deepEqual(staticImports('import type { A } from "a";\nimport { type B } from "b";\nimport { c, type D } from "c";\nexport { e } from "e";\nimport "f";\n'), ["c", "e", "f"]);
});
