export * from "./types.js";
export { loadIntel, defaultIntelDir, userIntelDir, IntelError, type LoadIntelOptions } from "./load.js";
export { loadIntelFast } from "./load-fast.js";
export { buildIntel, type IntelFiles } from "./build.js";
export { importList, detectListFormat, type ImportedList } from "./import.js";
export { listIntelSources, removeImportedList, UnknownListError, type IntelSourceInfo } from "./inventory.js";
export { isPrivateIp } from "./ips.js";
export { normaliseDomain } from "./domains.js";
export type { ImportedFile } from "./schema.js";
