import type { Playbook } from "../../../playbook/index.js";
import type { ResponseContext } from "../../../respond/types.js";
import type { ServerDeps } from "../contract.js";
import { defaultResponseContext } from "../api/plans.js";

/** What the UI plugin is given: the server's deps, and two knobs for tests. */
export interface UiDeps extends ServerDeps {
  /** Playbooks by id ("PB-31"); default: loaded from playbooks/ on first use. */
  playbook?: (id: string) => Playbook;
  /** How often the plan event stream looks for new step runs, ms (default 1000). */
  planEventsPollMs?: number;
}

/** The response context for one acting user: the server's (deps.respond), else the API's default (no connector clients). */
export function respondContext(deps: ServerDeps, actor: string): ResponseContext {
  return deps.respond?.(actor) ?? defaultResponseContext(deps, actor);
}
