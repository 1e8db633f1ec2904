/**
 * Names of the ATT&CK techniques minerhunt's findings carry, for the report's mapping table. An id
 * not listed here is still shown (with its id); the table only adds the words.
 */
export const TECHNIQUES: Readonly<Record<string, { name: string; tactic: string }>> = {
  "T1496": { name: "Resource Hijacking", tactic: "Impact" },
  "T1496.001": { name: "Resource Hijacking: Compute Hijacking", tactic: "Impact" },
  "T1053.003": { name: "Scheduled Task/Job: Cron", tactic: "Persistence" },
  "T1053.007": { name: "Scheduled Task/Job: Container Orchestration Job", tactic: "Persistence" },
  "T1543.002": { name: "Create or Modify System Process: Systemd Service", tactic: "Persistence" },
  "T1574.006": { name: "Hijack Execution Flow: Dynamic Linker Hijacking", tactic: "Persistence" },
  "T1098": { name: "Account Manipulation", tactic: "Persistence" },
  "T1136.003": { name: "Create Account: Cloud Account", tactic: "Persistence" },
  "T1078.004": { name: "Valid Accounts: Cloud Accounts", tactic: "Initial Access" },
  "T1190": { name: "Exploit Public-Facing Application", tactic: "Initial Access" },
  "T1195": { name: "Supply Chain Compromise", tactic: "Initial Access" },
  "T1552": { name: "Unsecured Credentials", tactic: "Credential Access" },
  "T1552.005": { name: "Unsecured Credentials: Cloud Instance Metadata API", tactic: "Credential Access" },
  "T1036.005": { name: "Masquerading: Match Legitimate Name or Location", tactic: "Defense Evasion" },
  "T1562.008": { name: "Impair Defenses: Disable or Modify Cloud Logs", tactic: "Defense Evasion" },
  "T1610": { name: "Deploy Container", tactic: "Execution" },
  "T1578.002": { name: "Modify Cloud Compute Infrastructure: Create Cloud Instance", tactic: "Defense Evasion" },
};

/** ATT&CK tactic ids by name, for exports that want them. */
export const TACTIC_IDS: Readonly<Record<string, string>> = {
  "Impact": "TA0040", "Persistence": "TA0003", "Initial Access": "TA0001", "Credential Access": "TA0006",
  "Defense Evasion": "TA0005", "Execution": "TA0002",
};
