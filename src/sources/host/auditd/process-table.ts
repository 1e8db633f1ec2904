/**
 * What the log has said so far about each process (by node and pid): its comm and exe, from every SYSCALL
 * record. A SYSCALL names only its parent's pid; this table lets an exec event name its parent
 * (`process.parent.name`, `process.parent.executable`) when the parent appeared earlier in the log, which is
 * what tells "redis-server started sh -c 'curl … | sh'" (an exploited service) from a person at a shell.
 * Bounded: the oldest entry is forgotten first. A reused pid can name a parent that has since exited;
 * entries are replaced by the newest record of that pid.
 */
export const MAX_PROCESSES = 65_536;

export interface KnownProcess {
  name?: string;
  executable?: string;
}

export class ProcessTable {
  private readonly byPid = new Map<string, KnownProcess>();

  constructor(private readonly max = MAX_PROCESSES) {}

  remember(node: string | undefined, pid: number, process: KnownProcess): void {
    const key = `${node ?? ""}\u0000${pid}`;
    this.byPid.delete(key); // re-inserted last: the newest record of a pid lives longest
    if (this.byPid.size >= this.max) {
      const oldest = this.byPid.keys().next().value;
      if (oldest !== undefined) this.byPid.delete(oldest);
    }
    this.byPid.set(key, process);
  }

  lookup(node: string | undefined, pid: number): KnownProcess | undefined {
    return this.byPid.get(`${node ?? ""}\u0000${pid}`);
  }
}
