/**
 * English messages, kept in parts by where they are shown (en/). The key set here is the catalogue's
 * contract: th.ts must have every key (the type checks it, part by part). Placeholders are {name}; values
 * are filled by t() and escaped by the renderer.
 */
import { enCommands } from "./en/commands.js";
import { enReport } from "./en/report.js";
import { enUi } from "./en/ui.js";
import { enVocabulary } from "./en/vocabulary.js";

export const en = { ...enVocabulary, ...enReport, ...enUi, ...enCommands } as const;

export type MessageKey = keyof typeof en;
