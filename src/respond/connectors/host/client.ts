/**
 * Build the host connector's client. Defaults: the real root and /proc, this machine's host name,
 * process.kill, execFile. Tests give a temporary fsRoot (and may keep the real /proc: the processes are real).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { loadIntel, type Intel } from "../../../intel/index.js";
import type { HostClient, RunResult } from "./types.js";
import type { ProcInfo } from "./proc.js";

export interface HostClientOptions {
  fsRoot?: string;
  procRoot?: string;
  hostName?: string;
  stateDir?: string;
  intel?: Intel;
  signal?: (pid: number, signal: NodeJS.Signals) => void;
  /** Limit the live miner scan (pids named by the evidence or a person are planned regardless, and refused if protected). */
  scansProcess?: (p: ProcInfo) => boolean;
  run?: (file: string, args: readonly string[]) => Promise<RunResult>;
}

export const DEFAULT_STATE_DIR = "/var/lib/minerhunt";

function runProgram(file: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(file, [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A mounted root's own name (etc/hostname), when it is not this machine's root and the name is a plain host name. */
function rootHostName(fsRoot: string): string | undefined {
  if (fsRoot === "/") return undefined;
  try {
    const name = readFileSync(join(fsRoot, "etc/hostname"), "utf8").trim();
    return /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

export function createHostClient(opts: HostClientOptions = {}): HostClient {
  const fsRoot = resolve(opts.fsRoot ?? "/");
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR;
  if (!isAbsolute(stateDir)) throw new Error(`host state directory ${stateDir}: expected an absolute path`);
  let intel = opts.intel;
  return {
    kind: "host",
    fsRoot,
    procRoot: opts.procRoot ?? "/proc",
    hostName: opts.hostName ?? rootHostName(fsRoot) ?? hostname(),
    stateDir,
    get intel(): Intel {
      intel ??= loadIntel();
      return intel;
    },
    real(hostPath: string): string {
      // join() after resolve("/", p) keeps "../" from leaving the root.
      return join(fsRoot, resolve("/", hostPath));
    },
    hostPath(realPath: string): string | undefined {
      const rel = relative(fsRoot, resolve(realPath));
      if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
      return `/${rel.split(sep).join("/")}`;
    },
    scansProcess: opts.scansProcess ?? (() => true),
    signal: opts.signal ?? ((pid, signal) => { process.kill(pid, signal); }),
    run: opts.run ?? runProgram,
  };
}
