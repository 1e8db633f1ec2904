/** The report module's public face: reports (Markdown, HTML, PDF) and exports (OCSF, STIX, TheHive). */
export { renderReport, exportIncident } from "./render.js";
export type { ExportOptions } from "./render.js";
export { buildReportView } from "./view.js";
export type { Block, ReportView, Section } from "./view.js";
export { renderMarkdown } from "./markdown.js";
export { renderHtml, mermaidScriptPath } from "./html.js";
export { htmlToPdf, ChromiumMissingError, DEFAULT_CHROMIUM, CHROMIUM_ARGS } from "./pdf.js";
export { toOcsfIncidentFinding, OCSF_VERSION } from "./ocsf.js";
export { toStixBundle, stixPattern } from "./stix.js";
export { toTheHiveAlert } from "./thehive.js";
export { collectIocs } from "./iocs.js";
export type { Ioc, IocType } from "./iocs.js";
export { escapeHtml, escapeMarkdown } from "./escape.js";
export { REPORT_FORMATS, EXPORT_FORMATS } from "./types.js";
export type { ActionRecord, ExportFormat, IncidentStore, ReportFormat, ReportOptions } from "./types.js";
