/**
 * Where miners persist on a Linux host, and which entries name the miner: cron tables (/etc/crontab,
 * /etc/cron.d/*, /var/spool/cron/crontabs/*, /var/spool/cron/*), systemd units (/etc/systemd/system,
 * /lib/systemd/system, /usr/lib/systemd/system: enabled through the *.wants/ and *.requires/ links in
 * /etc/systemd/system) and /etc/ld.so.preload (the libprocesshider trick: a library that hides the miner
 * from ps and top).
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import type { TargetKind } from "../../../model/index.js";
import { staysInside } from "./files.js";
import { lineNames, type Indicators } from "./indicators.js";
import type { HostClient } from "./types.js";

export const CRON_FILES = ["/etc/crontab"];
export const CRON_DIRS = ["/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron"];
export const UNIT_DIRS = ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];
export const PRELOAD = "/etc/ld.so.preload";
/** Preloaded libraries known to hide processes. */
const HIDER_NAMES = ["processhider", "libprocesshider"];

export interface LineHit { line: number; text: string; indicator: string }

export interface FileFinding {
  kind: Extract<TargetKind, "crontab" | "preload">;
  hostPath: string;
  hits: LineHit[];
}

export interface UnitFinding {
  kind: "systemd-unit";
  unit: string;
  hostPath: string;
  hits: LineHit[];
  /** Enablement links (host paths) and where they point. */
  links: { link: string; target: string }[];
}

function listFiles(client: HostClient, hostDir: string): string[] {
  try {
    return readdirSync(client.real(hostDir), { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith("."))
      .map((e) => `${hostDir}/${e.name}`).sort();
  } catch {
    return [];
  }
}

function readLines(client: HostClient, hostPath: string): string[] | undefined {
  if (!staysInside(client.fsRoot, client.real(hostPath))) return undefined;
  try {
    const st = lstatSync(client.real(hostPath));
    if (!st.isFile() || st.size > 4 * 1024 * 1024) return undefined;
    return readFileSync(client.real(hostPath), "utf8").split("\n");
  } catch {
    return undefined;
  }
}

/** Lines that name an indicator; comments are not persistence and are left alone. */
export function matchingLines(lines: readonly string[], indicators: Indicators, extra?: (line: string) => string | undefined): LineHit[] {
  const hits: LineHit[] = [];
  lines.forEach((text, i) => {
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith("#")) return;
    const indicator = lineNames(text, indicators) ?? extra?.(trimmed);
    if (indicator) hits.push({ line: i + 1, text, indicator });
  });
  return hits;
}

/** A preloaded library in a drop folder (/tmp/, /dev/shm/...) or named like a process hider. */
function suspiciousPreload(client: HostClient): (line: string) => string | undefined {
  return (line) => {
    const lower = line.toLowerCase();
    const hider = HIDER_NAMES.find((h) => basename(lower).includes(h));
    if (hider) return hider;
    return client.intel.dropPaths.find((d) => lower.startsWith(d.toLowerCase()));
  };
}

export function findCronAndPreload(client: HostClient, indicators: Indicators): FileFinding[] {
  const found: FileFinding[] = [];
  const cron = [...CRON_FILES, ...CRON_DIRS.flatMap((d) => listFiles(client, d))];
  for (const hostPath of [...new Set(cron)]) {
    const lines = readLines(client, hostPath);
    if (!lines) continue;
    const hits = matchingLines(lines, indicators);
    if (hits.length) found.push({ kind: "crontab", hostPath, hits });
  }
  const preload = readLines(client, PRELOAD);
  if (preload) {
    const hits = matchingLines(preload, indicators, suspiciousPreload(client));
    if (hits.length) found.push({ kind: "preload", hostPath: PRELOAD, hits });
  }
  return found;
}

const UNIT_NAME = /^[A-Za-z0-9:_.@-]+\.(service|timer)$/;

/** The enablement links of a unit: /etc/systemd/system/<x>.wants/<unit> and .requires/<unit>. */
export function unitLinks(client: HostClient, unit: string): { link: string; target: string }[] {
  const base = "/etc/systemd/system";
  const links: { link: string; target: string }[] = [];
  let dirs: string[] = [];
  try {
    dirs = readdirSync(client.real(base), { withFileTypes: true }).filter((e) => e.isDirectory() && /\.(wants|requires)$/.test(e.name)).map((e) => e.name).sort();
  } catch {
    return links;
  }
  for (const dir of dirs) {
    const link = `${base}/${dir}/${unit}`;
    try {
      if (lstatSync(client.real(link)).isSymbolicLink()) links.push({ link, target: readlinkSync(client.real(link)) });
    } catch { /* not there */ }
  }
  return links;
}

export function findUnits(client: HostClient, indicators: Indicators): UnitFinding[] {
  const found: UnitFinding[] = [];
  const seen = new Set<string>();
  for (const dir of UNIT_DIRS) {
    if (!existsSync(client.real(dir))) continue;
    for (const hostPath of listFiles(client, dir)) {
      const unit = basename(hostPath);
      if (!UNIT_NAME.test(unit) || seen.has(unit)) continue;
      seen.add(unit); // the first folder wins, as systemd's own search order (/etc before /lib)
      const lines = readLines(client, hostPath);
      if (!lines) continue;
      const exec = lines.map((l) => (/^\s*Exec[A-Za-z]*\s*=/.test(l) ? l : ""));
      const hits = matchingLines(exec, indicators);
      if (!hits.length) continue;
      found.push({ kind: "systemd-unit", unit, hostPath, hits, links: unitLinks(client, unit) });
      // A timer of the same name starts the service: disable it too.
      const timer = unit.replace(/\.service$/, ".timer");
      if (timer !== unit) {
        const timerLinks = unitLinks(client, timer);
        if (timerLinks.length) found[found.length - 1]!.links.push(...timerLinks);
      }
    }
  }
  return found;
}

export function isValidUnitName(name: string): boolean {
  return UNIT_NAME.test(name);
}

