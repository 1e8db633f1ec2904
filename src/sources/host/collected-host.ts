/**
 * host.name for files inside a collected tree (a triage copy of a machine's /etc, /var/spool/cron ..., or a
 * UAC-style collection): the first line of `etc/hostname`, a saved `hostname` output, or `uname -a`'s node
 * name, at the tree's root (NAME_FILES).
 *
 * The root is looked for only among the directories the given path itself names: for
 * `case7/web01/etc/cron.d/x` those are `case7/web01/etc/cron.d`, `case7/web01/etc`, `case7/web01`,
 * `case7`; a relative path never climbs above the working directory, and the filesystem root `/` is never
 * a candidate, so scanning a live `/etc/crontab` does not read this machine's own name, and nothing
 * outside the given tree is read. The hostname file must be a regular file (not a symlink), small, and
 * must really live inside its candidate root (a symlinked `etc/` pointing elsewhere is refused).
 * Results, found or not, are cached per candidate root: a tree of many files costs a few lookups.
 */
import { lstat, readFile, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, sep } from "node:path";

const MAX_LEVELS = 12;
const MAX_HOSTNAME_FILE = 4096;
const MAX_CACHE = 4096;
/** RFC 1123 host name characters; a file with anything else is not trusted as a name. */
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})$/;

export class CollectedHostNames {
  private readonly cache = new Map<string, string | null>();

  /** The host name of the collected tree a file belongs to, or undefined. */
  async forFile(filePath: string): Promise<string | undefined> {
    if (filePath === "-" || filePath === "" || filePath.includes("\0")) return undefined;
    for (const root of candidateRoots(filePath)) {
      const name = await this.forRoot(root);
      if (name !== undefined) return name;
    }
    return undefined;
  }

  private async forRoot(root: string): Promise<string | undefined> {
    const cached = this.cache.get(root);
    if (cached !== undefined) return cached ?? undefined;
    const name = await readHostname(root);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(root, name ?? null);
    return name;
  }
}

/** Directories named by the path, nearest first, without "/" and without climbing above ".". */
export function candidateRoots(filePath: string): string[] {
  const roots: string[] = [];
  let dir = dirname(filePath);
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (isAbsolute(dir) && dirname(dir) === dir) break; // the filesystem root
    roots.push(dir);
    if (dir === "." || dir === "") break;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return roots;
}

/**
 * Where collections keep the machine's name, relative to their root: a copied `etc/hostname`, the `hostname`
 * output triage collectors save (UAC: live_response/system/hostname.txt), or `uname -a` (its second word).
 */
const NAME_FILES: readonly { path: string[]; read: (text: string) => string }[] = [
  { path: ["etc", "hostname"], read: firstLine },
  { path: ["hostname"], read: firstLine },
  { path: ["hostname.txt"], read: firstLine },
  { path: ["live_response", "system", "hostname.txt"], read: firstLine },
  { path: ["live_response", "system", "uname_-a.txt"], read: unameHost },
  { path: ["uname_-a.txt"], read: unameHost },
  { path: ["uname-a.txt"], read: unameHost },
];

function firstLine(text: string): string {
  return text.split("\n", 1)[0]?.trim() ?? "";
}

/** `Linux web-01 5.15.0-88-generic #98-Ubuntu SMP ... x86_64 GNU/Linux`: the node name is the second word. */
function unameHost(text: string): string {
  const words = firstLine(text).split(/\s+/);
  return words.length >= 3 ? words[1]! : "";
}

async function readHostname(root: string): Promise<string | undefined> {
  for (const source of NAME_FILES) {
    const name = await readNameFile(root, join(root, ...source.path), source.read);
    if (name !== undefined) return name;
  }
  return undefined;
}

async function readNameFile(root: string, file: string, read: (text: string) => string): Promise<string | undefined> {
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.size > MAX_HOSTNAME_FILE) return undefined;
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return undefined;
    const name = read((await readFile(file, "utf8")).slice(0, MAX_HOSTNAME_FILE));
    return HOSTNAME.test(name) ? name : undefined;
  } catch {
    return undefined; // no such file, unreadable: the tree has no name to offer
  }
}

/** One cache for the collected-file sources of a process. */
export const collectedHostNames = new CollectedHostNames();
