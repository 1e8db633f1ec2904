/**
 * How much memory V8 keeps around what a scan really holds. Two settings, both V8's own flags (listed by
 * `node --v8-options`); a flag given to node or in NODE_OPTIONS wins over each.
 *
 * The old generation: by default the heap grows to about four times the live data before a full collection
 * (the factor is up to 4 on a machine with gigabytes of memory), so a scan that holds 65 MB peaks near
 * 300 MB, most of it garbage not yet collected. A factor of 2 (`--heap-growing-percent=100`) keeps the peak
 * near twice what a scan holds, for a few more collections: on the 200 MB capture bench 354 -> 256 MB at
 * about the same CPU (bench/README.md).
 *
 * The young generation: V8 doubles its two semi-spaces (1 -> 2 -> ... -> 16 MiB each) every time the bytes
 * that survived scavenges since the last doubling exceed its size. That count only grows, so a long scan
 * reaches 2 x 16 MiB even when it holds little: a 10M-record DNS log ended 17 MB above a 1M one for that
 * alone. Doubling stops at 8 MiB, where the capture bench (the scan that allocates most) already runs at
 * full speed. `--max-semi-space-size` would say this directly, but V8 reads it only when the process
 * starts; the growth factor is read at each doubling, so it is set to 1 once the young generation has
 * reached its cap (checked after each young-generation collection).
 *
 * And it grows to that cap at once: its growth factor is 8 from the start (`--semi-space-growth-factor=8`, set
 * by the launcher before it compiles the bundle), so it reaches the cap in its first growths, during start-up.
 * Grown by doubling, a 1M-record DNS scan ended before the last doubling and a 10M one after it, so the longer
 * scan's peak was 8 MiB higher for nothing it held (+20 % against +12 % now). Short runs pay for it: a one-line
 * scan 3 MiB and 0.014 CPU-s more (before the CommonJS launcher and the latin1 read took 0.02 CPU-s off every
 * start). Growth cannot be asked for later, when a scan turns out to be large: V8 grows the young generation
 * only when enough has survived it since it last grew, which a long DNS scan reaches slowly.
 */
import { PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

export function givenToNode(flag: string): boolean {
  return [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)].some((a) => a.startsWith(flag));
}

export function boundHeapGrowth(percent = 100): void {
  if (!givenToNode("--heap-growing-percent")) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

const MIB = 1 << 20;

/** Each semi-space's cap (V8's own is 16 MiB). */
const SEMI_SPACE_CAP_MIB = 8;

function youngGenerationFlagsGiven(): boolean {
  return givenToNode("--max-semi-space-size") || givenToNode("--semi-space-growth-factor");
}

/** The young generation grows by 8 at a time, so its first growths reach the cap (a V8 flag: set before the bundle is compiled). */
export function growYoungGenerationInOneStep(): void {
  if (!youngGenerationFlagsGiven()) setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_CAP_MIB}`);
}

/** The young generation's size now: both semi-spaces. */
function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

/** Stop the young generation growing once each semi-space is SEMI_SPACE_CAP_MIB. */
export function capYoungGeneration(): void {
  if (youngGenerationFlagsGiven()) return;
  const capBytes = 2 * SEMI_SPACE_CAP_MIB * MIB;
  const stopAtCap = (): boolean => {
    if (youngGenerationBytes() < capBytes) return false;
    setFlagsFromString("--semi-space-growth-factor=1");
    return true;
  };
  if (stopAtCap()) return;
  const observer = new PerformanceObserver((list) => {
    const minor = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR);
    if (minor && stopAtCap()) observer.disconnect();
  });
  observer.observe({ entryTypes: ["gc"] });
}

/**
 * Put the young generation's growth factor back to what the launcher set. V8 checks a code cache against the
 * flags in force when it was made, so the build's recording run (startup/code-cache.ts) undoes the cap
 * before it saves the cache: otherwise a recording scan long enough to reach the cap makes a cache that
 * every later start rejects.
 */
export function undoYoungGenerationCap(): void {
  growYoungGenerationInOneStep();
}
