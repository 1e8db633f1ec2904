/**
 * An action whose world is a directory, so it survives the process (the crash test kills the process that acts):
 * `mark-host` creates `<dir>/<host>.done` if it is not there, and logs each real change in `<dir>/changes.log`.
 * It is idempotent as every action must be: a second execute on a marked host changes nothing.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parsePlaybook } from "../../playbook/index.js";
import type { Playbook } from "../../playbook/index.js";
import { ActionRegistry } from "../registry.js";
import type { ActionDefinition } from "../types.js";

export function markAction(dir: string, onExecuted?: (host: string) => void): ActionDefinition {
  const marker = (host: string): string => join(dir, `${host}.done`);
  return {
    name: "mark-host", title: { en: "Mark the host", th: "ทำเครื่องหมาย host" }, provider: "local",
    params: z.record(z.string(), z.unknown()), permissions: [], risk: "medium", undoable: false,
    plan: (input) => Promise.resolve((input.incident.entities.hosts ?? []).map((host) => ({
      key: host, params: input.params, target: { kind: "host" as const, id: host, provider: "local" as const, host },
      before: { marked: false }, after: { marked: true }, call: `touch ${marker(host)}`, risk: "medium" as const, undoable: false,
      why: { en: "test", th: "ทดสอบ" },
    }))),
    precondition: () => Promise.resolve(undefined),
    execute: (step) => {
      const host = step.target.id;
      if (!existsSync(marker(host))) {
        writeFileSync(marker(host), "");
        appendFileSync(join(dir, "changes.log"), `${host}\n`);
      }
      appendFileSync(join(dir, "executes.log"), `${host}\n`);
      onExecuted?.(host);
      return Promise.resolve({});
    },
    verify: (step) => Promise.resolve({ ok: existsSync(marker(step.target.id)), observed: { marked: existsSync(marker(step.target.id)) } }),
  };
}

export function markRegistry(dir: string, onExecuted?: (host: string) => void): ActionRegistry {
  return new ActionRegistry([markAction(dir, onExecuted)]);
}

export function markPlaybook(): Playbook {
  return parsePlaybook(`schemaVersion: 1
id: PB-92
name: { th: t, en: t }
severity: high
severityLabel: { th: t, en: t }
category: { th: t, en: t }
mitre: [{ technique: T1496, name: Resource Hijacking, tactic: TA0040, tacticName: Impact }]
containment:
  - { id: mark, text: { th: t, en: t }, actions: [mark-host], answeredBy: { action: mark-host } }
`, "pb-92.yaml");
}
