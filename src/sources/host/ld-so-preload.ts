/**
 * /etc/ld.so.preload: shared objects the dynamic loader maps into every program. glibc reads names
 * separated by white space or ":" and ignores "#" comments to the end of the line. Any entry deserves
 * a look (process-hiding libraries such as libprocesshider live here), so each one becomes an event with
 * `file.target_path` and its line. An empty file yields nothing.
 */
import type { Event } from "../../model/index.js";
import type { Input, ParseContext, Sample, Source } from "../types.js";
import { collectedHostNames } from "./collected-host.js";
import { baseName, collectedFileEvent } from "./collected-file.js";

const ID = "linux.ld_so_preload";
const MAX_ENTRIES = 1024;

export const ldSoPreloadSource: Source = {
  id: ID,
  title: "/etc/ld.so.preload (libraries preloaded into every program)",
  emits: [{ dataset: "linux.ld_so_preload", categories: ["configuration"], sigma: ["ld_preload"] }],

  sniff(sample: Sample): number {
    return baseName(sample.path) === "ld.so.preload" ? 0.95 : 0;
  },

  async *parse(input: Input, ctx: ParseContext): AsyncIterable<Event> {
    const hostName = await collectedHostNames.forFile(input.path);
    let count = 0;
    for await (const { text, line } of input.lines()) {
      const hash = text.indexOf("#");
      const content = hash === -1 ? text : text.slice(0, hash);
      for (const entry of content.split(/[\s:]+/)) {
        if (entry === "") continue;
        if (++count > MAX_ENTRIES) {
          ctx.issue(line, `more than ${MAX_ENTRIES} entries; the rest are not read`);
          return;
        }
        const event = collectedFileEvent(input.path, line, ID, "linux.ld_so_preload", hostName);
        event["file.target_path"] = entry;
        yield event;
      }
    }
  },
};
