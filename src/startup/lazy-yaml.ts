/**
 * The `yaml` package, loaded on first use. Importing it costs about 60 ms of CPU at every start, and a
 * scan whose data all comes from the build snapshot (startup/snapshot.ts) never parses YAML.
 * Node resolves `yaml` to the same CommonJS build for `import` and `require`, so this is the very module
 * instance a static import would give (isMap and friends keep working across both).
 */
import { createRequire } from "node:module";

type YamlModule = typeof import("yaml");

let yamlModule: YamlModule | undefined;

export function yaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return yamlModule;
}
