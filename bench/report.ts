/**
 * Report generation time: Markdown, HTML (and its size) and PDF, the first PDF of a process (Chromium
 * starts) and the next ones (the same browser, a fresh context each: `minerhunt report A B C`, the
 * server), for two incidents: the hand-made realistic one (7 findings, cloud and on-premise) and a big
 * one scanned from a generated capture (BENCH_REPORT_POOLS pool addresses, default 600: ~2,400 findings).
 * Also the old way for comparison: a PDF with its own browser (htmlToPdf), as every PDF cost before.
 *
 * PDF times are wall-clock milliseconds: the work is in Chromium's processes, not this one's CPU. Each
 * number is the median of BENCH_RUNS (5) runs; run-to-run noise on the shared 2-core VMs is ±20 %.
 *
 *   node --import tsx bench/report.ts
 */
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { loadPlaybook } from "../src/playbook/index.js";
import { createPdfRenderer, htmlToPdf, renderHtml, renderReport, buildReportView } from "../src/report/index.js";
import type { Finding, Incident } from "../src/model/index.js";
import { runScan } from "../src/pipeline/run.js";
import { writeBigCapture } from "../src/report/test-helpers/big-capture.js";
import { incidentFrom, realisticFindings } from "../src/report/test-helpers/incident.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const POOLS = Number(process.env.BENCH_REPORT_POOLS ?? 600);
const playbook = loadPlaybook("PB-31");

async function ms<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function bench(name: string, incident: Incident, findings: readonly Finding[]): Promise<void> {
  const lang = "th" as const;
  const mdTimes: number[] = [];
  const htmlTimes: number[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    mdTimes.push((await ms(() => renderReport(incident, findings, { lang, format: "md", playbook })))[0]);
    const [t, html] = await ms(() => renderHtml(buildReportView(incident, findings, { lang, playbook })));
    htmlTimes.push(t);
    htmlBytes = Buffer.byteLength(html);
  }
  const renderer = createPdfRenderer();
  let first = NaN;
  const next: number[] = [];
  let pdfBytes = 0;
  try {
    for (let i = 0; i <= RUNS; i++) {
      const [t, pdf] = await ms(() => renderReport(incident, findings, { lang, format: "pdf", playbook, pdfRenderer: renderer }));
      pdfBytes = (pdf as Buffer).length;
      if (i === 0) first = t; else next.push(t);
    }
  } finally {
    await renderer.close();
  }
  const html = renderHtml(buildReportView(incident, findings, { lang, playbook }));
  const alone: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) alone.push((await ms(() => htmlToPdf(html, { lang })))[0]);

  console.log(`\n${name}: ${findings.length} findings (Thai)`);
  console.log(`  Markdown              ${median(mdTimes).toFixed(1)} ms`);
  console.log(`  HTML                  ${median(htmlTimes).toFixed(1)} ms, ${(htmlBytes / 1024).toFixed(1)} KiB`);
  console.log(`  PDF, first            ${first.toFixed(0)} ms (Chromium starts)`);
  console.log(`  PDF, next             ${median(next).toFixed(0)} ms median, ${Math.max(...next).toFixed(0)} ms max of ${next.length} (same browser), ${(pdfBytes / 1024).toFixed(0)} KiB`);
  console.log(`  PDF, own browser      ${median(alone).toFixed(0)} ms median of ${alone.length} (htmlToPdf: the cost of every PDF before)`);
}

const realistic = realisticFindings();
await bench("realistic incident", incidentFrom(realistic), realistic);

const capture = writeBigCapture(POOLS);
try {
  const { incidents, findings } = await runScan({ paths: [capture] });
  const inc = incidents[0];
  if (!inc) throw new Error("the generated capture opened no incident");
  await bench(`big capture (${POOLS} pool addresses)`, inc, findings.filter((f) => inc.findingIds.includes(f.id)));
} finally {
  rmSync(dirname(capture), { recursive: true, force: true });
}
