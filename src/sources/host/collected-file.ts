/** Event scaffolding shared by the collected-file sources (crontab, systemd, ld.so.preload, miner configs). */
import type { Event } from "../../model/index.js";
import { baseEvent } from "../metrics/event-base.js";

/** Forward slashes, so path tests work the same for paths collected on or copied to Windows. */
export function slashPath(path: string): string {
  return path.replace(/\\/g, "/");
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const p = slashPath(path);
  return p.slice(p.lastIndexOf("/") + 1);
}

export function collectedFileEvent(path: string, line: number | undefined, format: string, dataset: string, hostName: string | undefined): Event {
  const event = baseEvent({ path, line, format, dataset, category: ["configuration"], kind: "state" });
  event["file.path"] = path;
  if (hostName !== undefined) event["host.name"] = hostName;
  return event;
}
