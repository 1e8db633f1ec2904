/** Escaping lives in present/escape.ts (one place for every output kind); this keeps old imports working. */
export { escapeHtml, escapeMarkdown, jsonForScript, markdownCode } from "../present/escape.js";
