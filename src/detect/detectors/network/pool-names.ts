import type { DomainMatch, Intel } from "../../../intel/index.js";
import { withDistinct } from "../common.js";

/**
 * A pool name asked in this data, one object per name, shared by every address it resolved to
 * (detect/pool-answers.ts): who asked it, and the instance and accounts a cloud DNS log names. An address costs
 * the answers map one entry pointing here, so a pool behind thousands of rotating addresses stays small.
 */
export interface PoolName {
  domain: string;
  match: DomainMatch;
  /**
   * The clients that asked (an address or an instance id), each with the instance the log names for it
   * (Route 53 Resolver srcids.instance), if any.
   */
  askers: Map<string, string | undefined>;
  /** The accounts that asked, from cloud DNS logs (at most four). */
  accounts?: string[];
}

/** Names in the index; beyond it the index starts over (addresses already learned keep their name). */
const MAX_POOL_NAMES = 1024;
/**
 * Clients remembered per name, and over all names: an outbreak's first thousands of hosts each keep their
 * own-lookup strength, and a hostile log of many names and clients stays a few MB. A client past either bound
 * that connects still gets the other-client strength.
 */
const MAX_ASKERS_PER_NAME = 4096;
const MAX_ASKERS = 65_536;
const MAX_ACCOUNTS = 4;

/** The pool names asked in one detector run: intel hits only, each one object. */
export class PoolNames {
  private readonly byName = new Map<string, PoolName>();
  /** Askers remembered over the names in the index (MAX_ASKERS). */
  private askers = 0;

  constructor(private readonly intel: Pick<Intel, "matchDomain">) {}

  /** The name's object if intel calls it a pool (a normalised domain), created on first sight. */
  get(domain: string): PoolName | undefined {
    const known = this.byName.get(domain);
    if (known) return known;
    const match = this.intel.matchDomain(domain);
    if (!match) return undefined;
    if (this.byName.size >= MAX_POOL_NAMES) {
      // The names dropped from the index take no new askers; theirs go as their addresses age out.
      this.byName.clear();
      this.askers = 0;
    }
    const created: PoolName = { domain, match, askers: new Map() };
    this.byName.set(domain, created);
    return created;
  }

  /** `client` (an address or an instance id) asked for `name`; the log may name its instance and account. */
  noteAsker(name: PoolName, client: string, instance: string | undefined, account: string | undefined): void {
    if (name.askers.has(client)) {
      if (instance) name.askers.set(client, instance);
    } else if (name.askers.size < MAX_ASKERS_PER_NAME && this.askers < MAX_ASKERS) {
      name.askers.set(client, instance);
      this.askers++;
    }
    if (account) name.accounts = withDistinct(name.accounts ?? [], account, MAX_ACCOUNTS);
  }
}

/**
 * Did this machine (its address, or an instance its flow records name) ask for the name itself? The instance
 * that asked when the log named one, "" when it did not, false when the machine never asked.
 */
export function askedBy(name: PoolName, local: string, instances: Iterable<string>): string | false {
  if (name.askers.has(local)) return name.askers.get(local) ?? "";
  for (const i of instances) if (name.askers.has(i)) return i;
  return false;
}
