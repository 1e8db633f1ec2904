/**
 * How far V8 lets the heap grow between full collections. By default it grows to about four times the
 * live data (the factor is up to 4 on a machine with gigabytes of memory), so a scan that holds 65 MB
 * peaks near 300 MB, most of it garbage not yet collected. A factor of 2 keeps a scan's peak near twice
 * what it holds, for a few more collections: on the 200 MB capture bench 354 -> 256 MB at about the same
 * CPU (bench/README.md). `--heap-growing-percent` is V8's own flag (listed by `node --v8-options`); set this
 * early it applies to every collection that follows. NODE_OPTIONS or a flag given to node wins.
 */
import { setFlagsFromString } from "node:v8";

const FLAG = "--heap-growing-percent";

export function boundHeapGrowth(percent = 100): void {
  const given = [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)].some((a) => a.startsWith(FLAG));
  if (!given) setFlagsFromString(`${FLAG}=${percent}`);
}
