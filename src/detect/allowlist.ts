/**
 * The site allowlist (`allowlist:` in --config): things that are never findings at this site. One
 * implementation, applied by the engine after detection to every finding alike, built-in or Sigma, so
 * `ml-*` silences a sanctioned GPU job whichever rule saw it.
 *
 * A finding is dropped when it names an allowlisted
 *   - domain (the name or any name under it, whole labels),
 *   - IP address or CIDR (an observable or a machine's address),
 *   - process (glob on the name or the executable's base name, also argv0 of a command line),
 *   - host (glob on the machine's name),
 *   - image (glob on the image repository).
 * The intel look-alike list (pool.ntp.org is not a pool) is a different thing: it decides whether a
 * name is a pool at all, inside detection.
 */
import { imageRepository, type FindingDraft } from "../model/index.js";
import { normaliseDomain } from "../intel/domains.js";
import { IpTable } from "../intel/ips.js";
import type { DetectConfig } from "./config.js";
import { globMatch } from "./detectors/host/glob.js";

export interface Allowlist {
  /** True when nothing is allowlisted: the engine then skips the check. */
  readonly empty: boolean;
  domain(name: string): boolean;
  ip(address: string): boolean;
  process(nameOrPath: string): boolean;
  host(name: string): boolean;
  image(image: string): boolean;
  /** Whether a finding names something allowlisted. */
  finding(draft: Pick<FindingDraft, "observables" | "entities">): boolean;
}

const baseName = (path: string): string => path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);

/** The first word of a command line, without quotes. */
function argv0(commandLine: string): string {
  const t = commandLine.trimStart();
  const quote = t[0] === '"' || t[0] === "'" ? t[0] : undefined;
  if (quote) return t.slice(1, Math.max(1, t.indexOf(quote, 1)));
  const space = t.search(/\s/);
  return space === -1 ? t : t.slice(0, space);
}

export function compileAllowlist(config: DetectConfig): Allowlist {
  const a = config.allowlist;
  const domains = new Set(a.domains.map((d) => normaliseDomain(d)).filter((d): d is string => d !== undefined));
  const ips = new IpTable<true>();
  for (const ip of a.ips) ips.add(ip, true);
  const processes = a.processes;
  const hosts = a.hosts;
  const images = a.images;
  const anyGlob = (patterns: readonly string[], text: string): boolean => text !== "" && patterns.some((p) => globMatch(p, text));
  const list: Allowlist = {
    empty: domains.size === 0 && ips.size === 0 && processes.length === 0 && hosts.length === 0 && images.length === 0,
    domain(name) {
      if (domains.size === 0) return false;
      const n = normaliseDomain(name);
      if (!n) return false;
      for (let at = 0; ;) {
        if (domains.has(at === 0 ? n : n.slice(at))) return true;
        const dot = n.indexOf(".", at);
        if (dot === -1) return false;
        at = dot + 1;
      }
    },
    ip: (address) => ips.size > 0 && ips.lookup(address) !== undefined,
    process: (nameOrPath) => anyGlob(processes, nameOrPath) || anyGlob(processes, baseName(nameOrPath)),
    host: (name) => anyGlob(hosts, name),
    image: (image) => anyGlob(images, image) || anyGlob(images, imageRepository(image)),
    finding(draft) {
      for (const o of draft.observables) {
        if (o.type === "domain" && list.domain(o.value)) return true;
        if (o.type === "ip" && list.ip(o.value)) return true;
        if ((o.type === "process" || o.type === "file") && list.process(o.value)) return true;
        if (o.type === "command-line" && list.process(argv0(o.value))) return true;
        if (o.type === "image" && list.image(o.value)) return true;
      }
      const e = draft.entities;
      if (e.hosts?.some((h) => list.host(h))) return true;
      if (e.ips?.some((ip) => list.ip(ip))) return true;
      if (e.images?.some((i) => list.image(i))) return true;
      if (e.pools?.some((p) => list.domain(p.replace(/:\d+$/, "")) || list.ip(p.replace(/:\d+$/, "")))) return true;
      return false;
    },
  };
  return list;
}
