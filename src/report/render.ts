/**
 * Entry points: renderReport() for Markdown, HTML and PDF, exportIncident() for OCSF, STIX and
 * TheHive JSON.
 */
import type { Finding, Incident } from "../model/index.js";
import type { Lang } from "../i18n/index.js";
import type { Playbook } from "../playbook/index.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { toOcsfIncidentFinding } from "./ocsf.js";
import { htmlToPdf } from "./pdf.js";
import { toStixBundle } from "./stix.js";
import { toTheHiveAlert } from "./thehive.js";
import type { ExportFormat, ReportOptions } from "./types.js";
import { buildReportView } from "./view.js";

/** Markdown and HTML come back as text, PDF as bytes. */
export async function renderReport(incident: Incident, findings: readonly Finding[], opts: ReportOptions): Promise<Buffer | string> {
  const view = buildReportView(incident, findings, opts);
  switch (opts.format) {
    case "md":
      return renderMarkdown(view);
    case "html":
      return renderHtml(view);
    case "pdf": {
      // The PDF is printed from the self-contained page: nothing is fetched, and the diagram is already SVG.
      const html = renderHtml(view);
      if (opts.pdfRenderer) return opts.pdfRenderer.render(html);
      return htmlToPdf(html, opts.chromiumPath ? { chromiumPath: opts.chromiumPath, lang: opts.lang } : { lang: opts.lang });
    }
  }
}

export interface ExportOptions { lang: Lang; playbook: Playbook; now?: Date }

/** An exchange format as pretty-printed JSON text. */
export function exportIncident(format: ExportFormat, incident: Incident, findings: readonly Finding[], opts: ExportOptions): string {
  const now = opts.now ?? new Date();
  switch (format) {
    case "ocsf":
      return json(toOcsfIncidentFinding(incident, findings, { now, playbook: opts.playbook }));
    case "stix":
      return json(toStixBundle(incident, findings, { now, playbook: opts.playbook }));
    case "thehive":
      return json(toTheHiveAlert(incident, findings, { lang: opts.lang, playbook: opts.playbook, now }));
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
