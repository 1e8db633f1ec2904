/**
 * Thai messages, in the same parts as en.ts (th/). Technical terms stay in English where the playbook
 * itself keeps them (instance, region, billing, IAM), so the report reads like PB-31.
 */
import type { MessageKey } from "./en.js";
import { thCommands } from "./th/commands.js";
import { thReport } from "./th/report.js";
import { thUi } from "./th/ui.js";
import { thVocabulary } from "./th/vocabulary.js";

export const th: Record<MessageKey, string> = { ...thVocabulary, ...thReport, ...thUi, ...thCommands };
