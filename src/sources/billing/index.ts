/** Billing sources: AWS Cost Explorer and CUR, Azure cost exports, GCP billing export. */
import type { Source } from "../types.js";
import { awsCostExplorerSource } from "./aws-cost-explorer.js";
import { awsCurSource } from "./aws-cur.js";
import { azureCostExportSource } from "./azure-cost-export.js";
import { gcpBillingExportSource } from "./gcp-billing-export.js";

export const billingSources: Source[] = [awsCostExplorerSource, awsCurSource, azureCostExportSource, gcpBillingExportSource];

export { awsCostExplorerSource, awsCurSource, azureCostExportSource, gcpBillingExportSource };
