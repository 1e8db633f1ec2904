import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";

/**
 * `etc/hostname` in a collected tree: one state event naming the machine. Without this source the
 * file would be reported as "no known format" in every triage folder; with it the name is evidence too.
 */
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})$/;

export const hostnameSource: Source = {
  id: "linux.hostname",
  title: "/etc/hostname of a collected tree (names the machine)",
  emits: [{ dataset: "linux.hostname", categories: ["host"] }],
  sniff(sample: Sample): number {
    if (!/(^|[\\/])etc[\\/]hostname$/.test(sample.path)) return 0;
    return sample.lines.length === 1 && HOSTNAME.test(sample.lines[0]!.trim()) ? 0.95 : 0;
  },
  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    for await (const { text, line } of input.lines()) {
      const name = text.trim();
      if (name === "") continue;
      if (!HOSTNAME.test(name)) {
        ctx.issue(line, "expected one host name (letters, digits, '.', '-', '_')");
        continue;
      }
      yield {
        "event.dataset": "linux.hostname", "event.category": ["host"], "event.kind": "state",
        "log.file.path": input.path, "minerhunt.line": line, "minerhunt.format": "linux.hostname",
        "file.path": input.path, "host.name": name,
      };
      return;
    }
  },
};
