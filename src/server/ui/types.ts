import type { Playbook } from "../../playbook/index.js";
import type { ResponseContext } from "../../respond/types.js";
import type { ServerDeps } from "../contract.js";

/**
 * What the UI plugin is given: the server's deps, plus (optional) how to reach the respond service. Without
 * `respondContext` the plan pages still show stored plans but cannot make, approve, execute or undo one.
 */
export interface UiDeps extends ServerDeps {
  /** The response context for one acting user (clients, protected targets, price table). */
  respondContext?: (actor: string) => ResponseContext;
  /** Playbooks by id ("PB-31"); default: loaded from playbooks/ on first use. */
  playbook?: (id: string) => Playbook;
  /** How often the plan event stream looks for new step runs, ms (default 1000). */
  planEventsPollMs?: number;
}
