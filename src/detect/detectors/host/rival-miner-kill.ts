import { str } from "../../../model/index.js";
import type { Observable } from "../../../model/index.js";
import { provenance } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, entitiesOf, obs, timeOf } from "../common.js";
import { commandLineOf, splitCommands, type CommandSegment } from "./command-line.js";

/**
 * A command that kills rival miners. Cryptojacking droppers (Kinsing, Outlaw, 8220, WatchDog, the
 * "Botkiller" installers) start by killing every other miner on the machine, by name (`pkill -f
 * kdevtmpfsi`), by pool string (`ps aux | grep xmrpool.eu | awk '{print $2}' | xargs kill -9`). Killing
 * several known miners or pool strings in one command is itself a sign a dropper ran (ET Open sid 2034504
 * alerts on such a script crossing the wire). The names come from intel (rivalMinerNames, miner process
 * names, campaign names); what lives here is only how a kill is spelled in a shell.
 *
 * Miner-process ignores these lines on purpose (`pkill xmrig` is not a miner running): this detector is
 * the one that reads them. One finding per (host, command line); the keys held are bounded.
 */
export const RIVAL_MINER_KILL_ID = "minerhunt.host.rival-miner-kill";
const TITLE = "Rival miners killed (cryptojacking dropper behaviour)";

/** Distinct targets a kill must name: one alone is an admin cleaning up, several is a kill list. */
const MIN_TARGETS = 2;
const TWO_TARGETS = 0.5;
const MANY_TARGETS = 0.65;
const MANY = 4;
const MAX_KEYS = 10_000;
const MAX_TARGETS_KEPT = 16;

const KILLERS = new Set(["pkill", "killall", "kill", "skill", "slay"]);

/** The segment kills processes: a kill tool, or `xargs kill` at the end of a ps/grep pipeline. */
function isKill(s: CommandSegment): boolean {
  if (KILLERS.has(s.programName)) return true;
  return s.programName === "xargs" && s.tokens.some((t) => KILLERS.has(t.toLowerCase()));
}

/** Words of a token: grep alternations ("xmrig\|kinsing"), "host:port", globs ("ddg*") split apart. */
function words(token: string): string[] {
  return token.toLowerCase().split(/[\\|,:;'"()[\]{}=]+/).map((w) => w.replace(/\*+$/, "")).filter((w) => w.length >= 2);
}

export const rivalMinerKillDetector: Detector = {
  id: RIVAL_MINER_KILL_ID,
  title: TITLE,
  routes: { categories: ["process", "configuration"] },
  start(ctx) {
    const targets = new Set<string>([
      ...ctx.intel.rivalMinerNames,
      ...ctx.intel.campaignProcessNames,
      ...ctx.intel.miners.flatMap((m) => m.processNames),
    ]);
    const reported = new Set<string>();
    return {
      onEvent(event) {
        if (event["event.dataset"] === "falco.alerts") return;
        const commandLine = commandLineOf(event);
        if (!commandLine || commandLine.length < 8) return;
        const { segments } = splitCommands(commandLine);
        if (!segments.some(isKill)) return;
        const named: string[] = [];
        for (const s of segments) {
          // The kill's arguments and what a pipeline into a kill greps for. Every token counts: a grep
          // alternation ('xmrpool.eu\|monerohash.com') splits at "|" and leaves a pool string where a
          // program would stand; a miner started after the kills (`pkill minerd; ./xmrig`) is the same story.
          for (const token of s.tokens) {
            for (const w of words(token)) {
              if (targets.has(w) && !named.includes(w)) named.push(w);
              if (named.length >= MAX_TARGETS_KEPT) break;
            }
          }
        }
        if (named.length < MIN_TARGETS) return;
        const host = str(event, "host.name") ?? "";
        const key = `${host}\0${commandLine.slice(0, 512)}`;
        if (reported.has(key) || reported.size >= MAX_KEYS) return;
        reported.add(key);
        const campaigns = [...new Set(named.flatMap((n) => ctx.intel.campaignsOf(n).map((c) => c.name)))];
        const observables: Observable[] = [...obs("command-line", commandLine), ...named.flatMap((n) => obs("process", n))];
        ctx.emit({
          rule: { id: RIVAL_MINER_KILL_ID, name: TITLE, kind: "detector" },
          title: `Kills rival miners (${clip(named.slice(0, 5).join(", "), 80)})${host ? ` on ${clip(host, 60)}` : ""}`,
          description: `\`${clip(commandLine, 200)}\` kills ${named.length} known miners or pool connections. Cryptojacking droppers ` +
            "clear the machine of other miners before starting their own: look for the miner it started next and how it got in.",
          trigger: "host",
          severity: named.length >= MANY ? "high" : "medium",
          confidence: named.length >= MANY ? MANY_TARGETS : TWO_TARGETS,
          firstSeen: timeOf(event),
          lastSeen: timeOf(event),
          entities: entitiesOf(event),
          observables,
          evidence: [provenance(event, clip(commandLine, 160))],
          facts: { "kill.targets": named.join(","), "kill.count": named.length, ...(campaigns.length ? { "campaign.names": campaigns.join(",") } : {}) },
          tags: ["rival-miner-kill", "attack.defense-evasion"],
          mitre: ["T1496", "T1489"],
          key,
        });
      },
      finish() {},
    };
  },
};
