import { openStore, defaultStoreLocation, fingerprintFile, type ScannedFile } from "../../store/index.js";
import type { RunScanResult } from "../../pipeline/run.js";
import { campaignMarksOf, campaigner, reassessor } from "../../pipeline/incident.js";
import { rawPath } from "../../sources/display-path.js";
import { auditWarning } from "./audit.js";

/**
 * Save a scan's findings and incidents in one transaction; say what changed, in one line, and how many
 * incidents the store did not know before (opened now), for `--fail-on new`.
 */
export async function saveToStore(location: string | undefined, run: RunScanResult): Promise<{ line: string; opened: number }> {
  const where = location ?? defaultStoreLocation();
  const store = await openStore(where);
  try {
    const warning = await auditWarning(store, where);
    if (warning) process.stderr.write(`${warning}\n`);
    const files: ScannedFile[] = [];
    for (const f of run.result.files) {
      if (f.error || f.path === "-") continue;
      files.push(await fingerprintFile(f.path, rawPath(f.path))); // shown escaped, opened by its bytes
    }
    const saved = await store.saveScan({
      findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, files,
      reassess: reassessor(run.config, run.playbook),
      marks: campaignMarksOf(run.incidents, run.findings), campaigner: campaigner(run.config),
      counts: { events: run.result.events, findings: run.findings.length, incidents: run.incidents.length, issues: run.result.issuesTotal },
    });
    const i = saved.incidents;
    const again = saved.rescannedFiles.length ? `; ${saved.rescannedFiles.length} file(s) were scanned before` : "";
    const line = `stored scan #${saved.scanId}: ${saved.findings.inserted} new finding(s) (${saved.findings.known} known), ` +
      `${i.created.length} incident(s) opened, ${i.merged.length} updated, ${i.unchanged.length} unchanged` +
      `${saved.campaigns.length ? `, ${saved.campaigns.length} campaign(s) saved` : ""}` +
      `${saved.joinedCampaign.length ? `, ${saved.joinedCampaign.length} earlier incident(s) joined a campaign` : ""}${again}`;
    return { line, opened: i.created.length };
  } finally {
    await store.close();
  }
}
