/**
 * The local Linux host connector's handle, passed in through ResponseContext.clients.host. Everything it
 * touches is under `fsRoot` ("/" on a real host, a temporary root in tests) and `procRoot` ("/proc").
 * Paths in targets and steps are the host's own ("/etc/crontab"); `real()` maps them under fsRoot.
 */
import type { Intel } from "../../../intel/index.js";

export interface RunResult { code: number; output: string }

export interface HostClient {
  readonly kind: "host";
  /** File-system root the actions read and change. */
  readonly fsRoot: string;
  /** Where process information is read ("/proc"). */
  readonly procRoot: string;
  /** The host's name, written into targets. */
  readonly hostName: string;
  /** Host path of minerhunt's own state (quarantine, backups, blocklists): "/var/lib/minerhunt". */
  readonly stateDir: string;
  /** What miners look like (names, flags, Stratum schemes, pools) for the live process scan. */
  readonly intel: Intel;
  /** A host path ("/etc/crontab") as a path on this machine (under fsRoot). */
  real(hostPath: string): string;
  /** A path on this machine as the host's path, or undefined when it lies outside fsRoot. */
  hostPath(realPath: string): string | undefined;
  /**
   * Whether the live scan looks at this process (default: every process). Tests limit it to their own
   * children; a site may limit it to a user or a container.
   */
  scansProcess(p: import("./proc.js").ProcInfo): boolean;
  /** Send a signal to a process (process.kill; tests may watch it). */
  signal(pid: number, signal: NodeJS.Signals): void;
  /** Run a program with an argv array, never a shell (nft -f when a blocklist is applied). */
  run(file: string, args: readonly string[]): Promise<RunResult>;
}
