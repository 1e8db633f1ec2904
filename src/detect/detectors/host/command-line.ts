import { isIP } from "node:net";
import type { DomainMatch, Intel, IpMatch, MinerInfo } from "../../../intel/index.js";
import { isPrivateIp } from "../../../intel/ips.js";
import type { Event } from "../../../model/index.js";
import { str, strs } from "../../../model/index.js";

/**
 * Reads a command line (a process's, a crontab entry's, a systemd ExecStart) the way a shell would split
 * it, closely enough to say which programs it runs and what it hands them. Every indicator comes from
 * intel; what lives here is only shell grammar and the names of a few shell tools (shells, downloaders,
 * text tools), which are not indicators of mining but say how to read the rest.
 *
 * Bounded: the text is cut at MAX_COMMAND_CHARS and at MAX_TOKENS tokens; every pass is linear.
 */

export const MAX_COMMAND_CHARS = 8192;
const MAX_TOKENS = 1024;
const MAX_ENDPOINTS = 16;
const MAX_URLS = 8;

/** Programs that run the program named after them (their own flags and numbers skipped). */
const WRAPPERS = new Set(["nohup", "sudo", "doas", "exec", "setsid", "env", "nice", "ionice", "chrt", "taskset", "timeout",
  "stdbuf", "command", "builtin", "time", "sh", "bash", "dash", "ksh", "zsh", "ash", "busybox"]);
const SHELLS = new Set(["sh", "bash", "dash", "ksh", "zsh", "ash", "busybox"]);
/** Programs that fetch a URL: piped into a shell they are the classic cryptojacking dropper. */
const DOWNLOADERS = new Set(["curl", "wget", "fetch", "tftp", "lwp-download", "aria2c"]);
/**
 * Programs that only search, show, print or signal by name: a miner's name or pool in their arguments is
 * someone looking for (or killing) a miner, not a miner running. `grep xmrig` is not mining.
 */
const TEXT_TOOLS = new Set(["grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "pgrep", "pkill", "killall", "kill", "ps",
  "cat", "tac", "less", "more", "head", "tail", "strings", "find", "locate", "which", "whereis", "whatis", "ls", "file", "stat",
  "echo", "printf", "man"]);

/** A process record's command line; ECS endpoint events may carry only process.args. */
export function commandLineOf(event: Event): string {
  const cmd = str(event, "process.command_line");
  if (cmd) return cmd;
  return strs(event, "process.args").join(" ");
}

/** How a segment joins the one before it. */
type Joiner = "start" | "pipe" | "other";

export interface CommandSegment {
  joinedBy: Joiner;
  /** Tokens as written (quotes removed), bounded. */
  tokens: string[];
  /** Executed programs in order: wrappers first, then the program they run (lower-case basenames). */
  chain: string[];
  /** The program finally run, as written (path kept): "/tmp/.x/xmrig". Empty when the segment runs nothing. */
  program: string;
  /** Lower-case basename of `program`. */
  programName: string;
  /** A text tool (grep, pkill, echo ...): its arguments are not indicators. */
  inert: boolean;
}

/** Split a command line into the commands it runs. Quotes are read as spaces so `sh -c "a; b"` shows a and b. */
export function splitCommands(commandLine: string): { segments: CommandSegment[]; substitution: boolean } {
  const text = commandLine.length > MAX_COMMAND_CHARS ? commandLine.slice(0, MAX_COMMAND_CHARS) : commandLine;
  const raw: { joinedBy: Joiner; tokens: string[] }[] = [];
  let current: string[] = [];
  let joinedBy: Joiner = "start";
  let token = "";
  let tokenCount = 0;
  let substitution = false;
  const endToken = () => {
    // A lone "$" is what is left of "$(" once "(" has split the text.
    if (token !== "" && token !== "$" && tokenCount < MAX_TOKENS) { current.push(token); tokenCount++; }
    token = "";
  };
  const endSegment = (next: Joiner) => {
    endToken();
    if (current.length > 0) raw.push({ joinedBy, tokens: current });
    current = [];
    joinedBy = next;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "|") {
      if (text[i + 1] === "|") { i++; endSegment("other"); } else endSegment("pipe");
    } else if (c === ";" || c === "&" || c === "\n" || c === "\r" || c === ")") {
      endSegment("other");
    } else if (c === "(" || c === "`") {
      if (c === "`" || token.endsWith("$")) substitution = true;
      endSegment("other");
    } else if (c === " " || c === "\t" || c === "'" || c === "\"") {
      endToken();
    } else {
      token += c;
    }
  }
  endSegment("other");
  return { segments: raw.map((r) => resolveSegment(r.joinedBy, r.tokens)), substitution };
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  const back = path.lastIndexOf("\\");
  return path.slice(Math.max(slash, back) + 1).toLowerCase();
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}=/;

function resolveSegment(joinedBy: Joiner, tokens: string[]): CommandSegment {
  const chain: string[] = [];
  let program = "";
  let i = 0;
  while (i < tokens.length && ENV_ASSIGNMENT.test(tokens[i]!)) i++;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const name = baseName(t);
    chain.push(name);
    program = t;
    i++;
    if (!WRAPPERS.has(name)) break;
    // Skip the wrapper's own flags, numbers ("nice -n 10", "timeout 30") and env assignments ("env A=b").
    while (i < tokens.length && (tokens[i]!.startsWith("-") || /^\d+[smhd]?$/.test(tokens[i]!) || ENV_ASSIGNMENT.test(tokens[i]!))) i++;
  }
  const programName = baseName(program);
  return { joinedBy, tokens, chain, program, programName, inert: TEXT_TOOLS.has(chain[0] ?? "") || TEXT_TOOLS.has(programName) };
}

/** A place a command line points a program at: "pool.example:3333", "stratum+tcp://1.2.3.4:4444". */
export interface Endpoint {
  host: string;
  port?: number;
  isIp: boolean;
  /** The token had a URL scheme ("stratum+tcp://"). */
  scheme?: string;
  domainMatch?: DomainMatch;
  ipMatch?: IpMatch;
}

export interface CommandLineAnalysis {
  segments: CommandSegment[];
  /** Every segment is a text tool (grep xmrig, pkill -f stratum): nothing here runs a miner. */
  onlyTextTools: boolean;
  /** Miners the command line runs (by program basename). */
  minersRun: MinerInfo[];
  /** Programs run whose basename is a kernel-thread name (kernel threads are never started from a file). */
  masqueradesRun: string[];
  /** Programs run whose basename is a known campaign name (kdevtmpfsi, sysupdate ...). */
  campaignRun: string[];
  /** Programs run from a drop directory (/tmp/, /dev/shm/ ...). */
  dropPathRun: string[];
  /** Miner command-line fragments found (intel.minerArgs). */
  minerArgs: string[];
  /** Pool URL schemes found (intel.stratum.schemes). */
  schemes: string[];
  /** Tokens that carry a pool URL scheme. */
  urls: string[];
  /** Endpoints: every host that intel knows, plus host:port / scheme endpoints (candidates for a pool). */
  endpoints: Endpoint[];
  wallets: { coin: string; wallet: string }[];
  /** A downloader piped into (or substituted into) a shell, or base64-decoded text run by a shell. */
  downloadAndRun: boolean;
  /**
   * Miners a downloader fetches by name (`curl http://x/xmrig -o /tmp/.x`, `wget .../xmrig.tar.gz`), when a
   * later command of the same line runs a local file or a shell: fetched, then started.
   */
  minersFetchedAndRun: MinerInfo[];
}

/** Read a command line for everything a miner or a dropper leaves in it. */
export function analyseCommandLine(commandLine: string, intel: Intel): CommandLineAnalysis {
  const { segments, substitution } = splitCommands(commandLine);
  const active = segments.filter((s) => !s.inert);
  const out: CommandLineAnalysis = {
    segments, onlyTextTools: segments.length > 0 && active.length === 0,
    minersRun: [], masqueradesRun: [], campaignRun: [], dropPathRun: [], minerArgs: [], schemes: [], urls: [], endpoints: [],
    wallets: [], downloadAndRun: false, minersFetchedAndRun: [],
  };
  const campaign = new Set(intel.campaignProcessNames);
  const dropPaths = intel.dropPaths.map((d) => d.toLowerCase());

  for (const s of active) {
    if (!s.program) continue;
    const miner = intel.minerByProcessName(s.programName);
    if (miner && !out.minersRun.includes(miner)) out.minersRun.push(miner);
    if (intel.isMasqueradeName(s.programName) && !out.masqueradesRun.includes(s.programName)) out.masqueradesRun.push(s.programName);
    if (campaign.has(s.programName) && !out.campaignRun.includes(s.programName)) out.campaignRun.push(s.programName);
    const lowerProgram = s.program.toLowerCase();
    if (dropPaths.some((d) => lowerProgram.startsWith(d) && lowerProgram.length > d.length) && !out.dropPathRun.includes(s.program)) {
      out.dropPathRun.push(s.program);
    }
  }

  // Flags and URLs are looked for in what the active commands hand their programs.
  const activeText = ` ${active.map((s) => s.tokens.join(" ")).join(" ; ")} `;
  const lowerText = activeText.toLowerCase();
  for (const arg of intel.minerArgs) if (lowerText.includes(arg) && !out.minerArgs.includes(arg)) out.minerArgs.push(arg);
  for (const scheme of intel.stratum.schemes) if (lowerText.includes(scheme.toLowerCase()) && !out.schemes.includes(scheme)) out.schemes.push(scheme);

  for (const s of active) {
    for (const token of s.tokens) {
      const lower = token.toLowerCase();
      if (out.urls.length < MAX_URLS && out.schemes.some((sc) => lower.includes(sc.toLowerCase()))) out.urls.push(token);
      const ep = endpointOf(token, intel);
      if (ep && out.endpoints.length < MAX_ENDPOINTS && !out.endpoints.some((e) => e.host === ep.host && e.port === ep.port)) out.endpoints.push(ep);
    }
  }
  out.wallets = active.length > 0 ? intel.findWallets(activeText) : [];
  out.downloadAndRun = isDownloadAndRun(segments, substitution);
  out.minersFetchedAndRun = minersFetchedAndRun(active, intel);
  return out;
}

/** Archive and script suffixes a fetched miner comes wrapped in. */
const FETCH_SUFFIXES = [".tar.gz", ".tgz", ".tar.xz", ".tar", ".zip", ".gz", ".xz"];

/** The file name a URL token fetches, without archive suffixes, lower case ("http://x/a/xmrig.tar.gz" → "xmrig"). */
function fetchedName(token: string): string | undefined {
  const scheme = token.indexOf("://");
  if (scheme === -1) return undefined;
  let path = token.slice(scheme + 3);
  for (const stop of ["?", "#"]) {
    const i = path.indexOf(stop);
    if (i !== -1) path = path.slice(0, i);
  }
  const slash = path.indexOf("/");
  if (slash === -1) return undefined;
  let name = baseName(path.slice(slash));
  for (const suffix of FETCH_SUFFIXES) if (name.endsWith(suffix)) { name = name.slice(0, -suffix.length); break; }
  return name || undefined;
}

function minersFetchedAndRun(active: CommandSegment[], intel: Intel): MinerInfo[] {
  const fetched: MinerInfo[] = [];
  for (const s of active) {
    const runsLocal = s.program.startsWith("/") || s.program.startsWith("./") || s.chain.some((c) => SHELLS.has(c));
    if (fetched.length > 0 && runsLocal && !s.chain.some((c) => DOWNLOADERS.has(c))) return fetched;
    if (!s.chain.some((c) => DOWNLOADERS.has(c))) continue;
    for (const token of s.tokens) {
      const name = fetchedName(token);
      const miner = name !== undefined ? intel.minerByProcessName(name) : undefined;
      if (miner && !fetched.includes(miner)) fetched.push(miner);
    }
  }
  return [];
}

/**
 * `curl … | sh`, `wget -O- … | sudo bash`, `echo … | base64 -d | sh`, `bash -c "$(curl …)"`: something
 * fetched or decoded earlier in the line is piped (or substituted) into a shell.
 */
function isDownloadAndRun(segments: CommandSegment[], substitution: boolean): boolean {
  let fetched = false;
  let shellRun = false;
  for (const s of segments) {
    if (s.inert) continue;
    const runsShell = s.chain.some((c) => SHELLS.has(c));
    if (s.joinedBy === "pipe" && runsShell && fetched) return true;
    if (runsShell) shellRun = true;
    if (s.chain.some((c) => DOWNLOADERS.has(c))) fetched = true;
    if (s.programName === "base64" && s.tokens.some((t) => t === "-d" || t === "--decode" || t === "-D" || t === "-di")) fetched = true;
  }
  return substitution && fetched && shellRun;
}

/** Label rules of a DNS name, checked by hand (no regex on attacker text with repetition). */
function isDomainLike(host: string): boolean {
  if (host.length < 4 || host.length > 253) return false;
  const labels = host.split(".");
  if (labels.length < 2) return false;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63) return false;
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
      if (!ok) return false;
    }
  }
  const tld = labels[labels.length - 1]!;
  return /[a-z]/.test(tld);
}

/**
 * The endpoint a token names, if any: "--url=stratum+tcp://wallet@pool.example:3333/x" → pool.example:3333.
 * Returned when intel knows the host, or when it is a public host:port or carries a scheme.
 */
export function endpointOf(token: string, intel: Intel): Endpoint | undefined {
  let t = token.toLowerCase();
  if (t.startsWith("-")) {
    const eq = t.indexOf("=");
    if (eq === -1) return undefined;
    t = t.slice(eq + 1);
  }
  let scheme: string | undefined;
  const schemeAt = t.indexOf("://");
  if (schemeAt !== -1) {
    scheme = t.slice(0, schemeAt + 3);
    t = t.slice(schemeAt + 3);
  }
  const at = t.lastIndexOf("@");
  if (at !== -1) t = t.slice(at + 1);
  for (const stop of ["/", "?", "#", ","]) {
    const i = t.indexOf(stop);
    if (i !== -1) t = t.slice(0, i);
  }
  let host = t;
  let port: number | undefined;
  if (t.startsWith("[")) {
    const close = t.indexOf("]");
    if (close === -1) return undefined;
    host = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest.startsWith(":")) port = portOf(rest.slice(1));
  } else {
    const colon = t.indexOf(":");
    if (colon !== -1 && colon === t.lastIndexOf(":")) {
      host = t.slice(0, colon);
      port = portOf(t.slice(colon + 1));
      if (port === undefined) return undefined;
    }
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  const family = isIP(host);
  if (family !== 0) {
    const ipMatch = intel.matchIp(host);
    if (ipMatch) return { host, isIp: true, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}), ipMatch };
    if (isPrivateIp(host) || (port === undefined && !scheme)) return undefined;
    return { host, isIp: true, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}) };
  }
  if (!isDomainLike(host)) return undefined;
  const domainMatch = intel.matchDomain(host);
  if (domainMatch) return { host, isIp: false, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}), domainMatch };
  // An unknown name is a pool candidate only with a port or a scheme ("config.json" is not an endpoint).
  if (port === undefined && !scheme) return undefined;
  if (intel.isAllowlisted(host)) return undefined;
  return { host, isIp: false, ...(port !== undefined ? { port } : {}), ...(scheme ? { scheme } : {}) };
}

function portOf(text: string): number | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}
