import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { defenderSeverity, defenderSource } from "./defender.js";

const FIXTURE = "cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json";
const SUB = "6b8d1a2c-3e4f-4a5b-9c6d-7e8f9a0b1c2d";
const VM_ID = `/subscriptions/${SUB}/resourceGroups/prod-web/providers/Microsoft.Compute/virtualMachines/web-01`;

// A SecurityAlert row as Log Analytics returns it: every column a string, ExtendedProperties and Entities JSON text.
const sentinelRow = {
  TenantId: "0c3f2a1b-4d5e-4f6a-8b7c-9d0e1f2a3b4c",
  TimeGenerated: "2026-11-20T04:02:11.5123456Z",
  DisplayName: "Digital currency mining related behavior detected",
  AlertName: "Digital currency mining related behavior detected",
  AlertSeverity: "High",
  Description: "Analysis of host data on web-01 detected the execution of a process or command normally associated with digital currency mining.",
  ProviderName: "Azure Security Center",
  VendorName: "Microsoft",
  VendorOriginalId: "2517190123456789012_3f2a1b0c-9d8e-4f7a-6b5c-4d3e2f1a0b9c",
  SystemAlertId: "8c1f0e2d-3b4a-5c6d-7e8f-9a0b1c2d3e4f",
  ResourceId: VM_ID,
  SourceComputerId: "",
  AlertType: "VM_DigitalCurrencyMining",
  ConfidenceLevel: "",
  ConfidenceScore: "",
  IsIncident: "false",
  StartTime: "2026-11-20T03:58:40.0000000Z",
  EndTime: "2026-11-20T03:58:40.0000000Z",
  ProcessingEndTime: "2026-11-20T04:02:10.0000000Z",
  RemediationSteps: "[\"Review with www-data the suspicious command process and command line\"]",
  ExtendedProperties: JSON.stringify({
    "Compromised Host": "web-01",
    "User Name": "www-data",
    "Suspicious Process": "/tmp/.x/xmrig",
    "Suspicious Command Line": "/tmp/.x/xmrig -o pool.supportxmr.com:3333 -u 4AbCdEf --donate-level=1 -B",
    "Suspicious Process Id": "0x3f2a",
    resourceType: "Virtual Machine",
  }),
  Entities: JSON.stringify([
    { $id: "3", HostName: "web-01", AzureID: VM_ID, OSFamily: "Linux", Type: "host" },
    { $id: "4", Name: "www-data", Host: { $ref: "3" }, Type: "account" },
    { $id: "5", ProcessId: "0x3f2a", CommandLine: "/tmp/.x/xmrig -o pool.supportxmr.com:3333 -u 4AbCdEf --donate-level=1 -B", ImageFile: { $id: "6", Directory: "/tmp/.x", Name: "xmrig", FileHashes: [{ $id: "7", Algorithm: "SHA256", Value: "0f5c4a2b7e9d1c3f5a6b8d0e2f4a6c8e0a2c4e6f8a0b2d4f6a8c0e2a4c6e8f0a", Type: "filehash" }], Type: "file" }, ParentProcess: { $id: "8", ProcessId: "0x3f10", ImageFile: { $id: "9", Directory: "/usr/bin", Name: "bash", Type: "file" }, Type: "process" }, Account: { $ref: "4" }, Host: { $ref: "3" }, Type: "process" },
    { $id: "10", Address: "198.51.100.45", Type: "ip" },
  ]),
  SourceSystem: "Detection",
  WorkspaceSubscriptionId: SUB,
  WorkspaceResourceGroup: "soc",
  ExtendedLinks: "",
  ProductName: "Azure Security Center",
  ProductComponentName: "Servers",
  AlertLink: `https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/2517190123456789012_3f2a1b0c/subscriptionId/${SUB}/resourceGroup/prod-web/referencedFrom/alertDeepLink/location/westeurope`,
  Status: "New",
  CompromisedEntity: "web-01",
  Tactics: "Execution",
  Techniques: "",
  Type: "SecurityAlert",
};

test("the real Sentinel sample: SIMULATED_ prefix stripped, marked sample, host and subscription pulled out", async (t) => {
  const path = sharedFixture(t, FIXTURE);
  if (!path) return;
  assert.equal(defenderSource.sniff({ path, bytes: readFileSync(path), text: readFileSync(path, "utf8"), lines: [] }), 0.95);
  const { events, issues } = await parseFileWith(defenderSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["rule.name"], "VM_DigitalCurrencyMining");
  assert.equal(e["minerhunt.alert.original_type"], "SIMULATED_VM_DigitalCurrencyMining");
  assert.equal(e["minerhunt.sample"], true);
  assert.equal(e["event.kind"], "alert");
  assert.equal(e["event.dataset"], "azure.defender");
  assert.equal(e["minerhunt.line"], 1);
  assert.equal(e.message, "[SAMPLE ALERT] Digital currency mining related behavior detected");
  assert.equal(e["host.name"], "Sample-VM");
  assert.equal(e["cloud.provider"], "azure");
  assert.equal(e["cloud.account.id"], "083de1fb-cd2d-4b7c-895a-2b5af1d091e8");
  assert.equal(e["cloud.instance.name"], "Sample-VM");
  assert.equal(e["cloud.region"], "centralus");
  assert.equal(e["minerhunt.azure.resource_group"], "Sample-RG");
  assert.equal(e["process.name"], "sample.exe");
  assert.equal(e["process.command_line"], ".\\sample.exe -t 4");
  assert.equal(e["process.executable"], "c:\\temp\\sample.exe");
  assert.equal(e["process.pid"], 0x1640);
  assert.equal(e["process.parent.pid"], 0x1020);
  assert.equal(e["user.name"], "Sample-account");
  assert.equal(e["file.hash.sha256"], "Sample-SHA");
  assert.equal(e["event.id"], "fac479ec-3566-dce6-0ae3-a90c4af39175");
  assert.equal(e["@timestamp"], "2023-03-22T07:27:09.489Z");
  assert.equal(e["event.created"], "2023-03-22T07:27:56.188Z");
  assert.deepEqual(e["threat.tactic.name"], ["Execution"]);
  assert.ok((e["event.reference"] as string).startsWith("https://portal.azure.com/"));
});

test("a Sentinel row with ExtendedProperties and Entities as JSON strings (a real mining alert, not a sample)", async () => {
  const text = JSON.stringify(sentinelRow) + "\n" + JSON.stringify({ ...sentinelRow, SystemAlertId: "second" }) + "\n";
  assert.equal(await sniffWith(defenderSource, text, "alerts.ndjson"), 0.95);
  const { events, issues } = await parseWith(defenderSource, text, "alerts.ndjson");
  assert.deepEqual(issues, []);
  assert.equal(events.length, 2);
  const e = events[0]!;
  assert.equal(e["rule.name"], "VM_DigitalCurrencyMining");
  assert.equal(e["minerhunt.alert.original_type"], undefined);
  assert.equal(e["minerhunt.sample"], undefined);
  assert.equal(e["minerhunt.alert.severity"], "high");
  assert.equal(e["event.severity"], undefined, "the severity is a word, not a number");
  assert.equal(e["host.name"], "web-01");
  assert.equal(e["cloud.account.id"], SUB);
  assert.equal(e["cloud.instance.id"], VM_ID);
  assert.equal(e["cloud.region"], "westeurope");
  assert.equal(e["process.name"], "xmrig");
  assert.equal(e["process.executable"], "/tmp/.x/xmrig");
  assert.match(e["process.command_line"] as string, /pool\.supportxmr\.com:3333/);
  assert.equal(e["process.pid"], 0x3f2a);
  assert.equal(e["process.hash.sha256"], "0f5c4a2b7e9d1c3f5a6b8d0e2f4a6c8e0a2c4e6f8a0b2d4f6a8c0e2a4c6e8f0a");
  assert.equal(e["file.hash.sha256"], undefined, "the process image's hash is not a loose file hash");
  assert.equal(e["process.parent.name"], "bash");
  assert.equal(e["user.name"], "www-data");
  assert.deepEqual(e["related.ip"], ["198.51.100.45"]);
  assert.equal(events[1]!["minerhunt.line"], 2);
});

test("a Log Analytics query API response: rows become alerts by their column names", async () => {
  const columns = Object.keys(sentinelRow).map((name) => ({ name, type: "string" }));
  const rows = [Object.values(sentinelRow), Object.values({ ...sentinelRow, AlertType: "SIMULATED_K8S.NODE_DigitalCurrencyMining", AlertName: "[SAMPLE ALERT] Digital currency mining related behavior detected (Preview)" })];
  const doc = JSON.stringify({ tables: [{ name: "PrimaryResult", columns, rows }] }, null, 2);
  assert.ok((await sniffWith(defenderSource, doc, "query.json")) >= 0.9);
  const { events, issues } = await parseWith(defenderSource, doc, "query.json");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => e["rule.name"]), ["VM_DigitalCurrencyMining", "K8S.NODE_DigitalCurrencyMining"]);
  assert.deepEqual(events.map((e) => e["minerhunt.sample"]), [undefined, true]);
  assert.ok((events[1]!["minerhunt.line"] as number) > (events[0]!["minerhunt.line"] as number));
});

test("the Defender REST/ARM alert shape and its list", async () => {
  const alert = {
    id: `/subscriptions/${SUB}/resourceGroups/prod-aks/providers/Microsoft.Security/locations/westeurope/alerts/2517190987654321098_1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d`,
    name: "2517190987654321098_1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    type: "Microsoft.Security/Locations/alerts",
    properties: {
      version: "2022-01-01.0",
      alertType: "K8S_MaliciousContainerImage",
      systemAlertId: "2517190987654321098_1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
      productComponentName: "Containers",
      alertDisplayName: "Digital currency mining container detected",
      description: "Kubernetes audit log analysis detected a container that has an image associated with a digital currency mining tool.",
      severity: "High",
      intent: "Execution",
      startTimeUtc: "2026-11-20T02:10:00.000Z",
      endTimeUtc: "2026-11-20T02:10:00.000Z",
      resourceIdentifiers: [
        { $id: "1", azureResourceId: `/subscriptions/${SUB}/resourceGroups/prod-aks/providers/Microsoft.ContainerService/managedClusters/prod-aks-01`, type: "AzureResource", azureResourceTenantId: "0c3f2a1b-4d5e-4f6a-8b7c-9d0e1f2a3b4c" },
      ],
      remediationSteps: ["Review the container image"],
      vendorName: "Microsoft",
      status: "Active",
      alertUri: "https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/2517190987654321098/location/westeurope",
      timeGeneratedUtc: "2026-11-20T02:12:31.000Z",
      productName: "Microsoft Defender for Cloud",
      processingEndTimeUtc: "2026-11-20T02:12:30.8805291Z",
      entities: [
        { $id: "2", resourceId: `/subscriptions/${SUB}/resourceGroups/prod-aks/providers/Microsoft.ContainerService/managedClusters/prod-aks-01`, resourceType: "Kubernetes Service", resourceName: "prod-aks-01", type: "azure-resource" },
        { $id: "3", cloudResource: { $ref: "2" }, type: "K8s-cluster", name: "prod-aks-01" },
        { $id: "4", name: "default", cluster: { $ref: "3" }, type: "K8s-namespace" },
        { $id: "5", imageId: "docker.io/minerhub/xmrig:latest", type: "container-image" },
        { $id: "6", name: "miner", image: { $ref: "5" }, type: "container" },
        { $id: "7", name: "miner-7d9c5b6f4-x2k8q", namespace: { $ref: "4" }, containers: [{ $ref: "6" }], type: "K8s-pod" },
      ],
      isIncident: false,
      extendedProperties: { "Image name": "docker.io/minerhub/xmrig:latest", resourceType: "Kubernetes Service" },
      compromisedEntity: "prod-aks-01",
      techniques: ["T1496"],
    },
  };
  const doc = JSON.stringify({ value: [alert] }, null, 2);
  assert.equal(await sniffWith(defenderSource, doc, "alerts.json"), 0.95);
  const { events, issues } = await parseWith(defenderSource, doc, "alerts.json");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["rule.name"], "K8S_MaliciousContainerImage");
  assert.equal(e["minerhunt.sample"], undefined);
  assert.equal(e["orchestrator.cluster.name"], "prod-aks-01");
  assert.equal(e["orchestrator.namespace"], "default");
  assert.equal(e["orchestrator.resource.name"], "miner-7d9c5b6f4-x2k8q");
  assert.equal(e["container.image.name"], "docker.io/minerhub/xmrig:latest");
  assert.equal(e["container.name"], "miner");
  assert.equal(e["cloud.account.id"], SUB);
  assert.equal(e["cloud.region"], "westeurope");
  assert.equal(e["host.name"], undefined, "a cluster is not a host");
  assert.deepEqual(e["threat.technique.id"], ["T1496"]);
  assert.equal(e["minerhunt.line"], 3);
});

test("a Microsoft Graph security alert: evidence gives host and process; the title names it", async () => {
  const graph = {
    "@odata.type": "#microsoft.graph.security.alert",
    id: "dc637190012345678901_-1234567890",
    providerAlertId: "2517190123456789012_3f2a1b0c-9d8e-4f7a-6b5c-4d3e2f1a0b9c",
    incidentId: "4821",
    status: "new",
    severity: "high",
    classification: null,
    determination: null,
    serviceSource: "microsoftDefenderForCloud",
    detectionSource: "microsoftDefenderForServers",
    detectorId: "5d8a6c4e-2b1f-4e3a-9c7d-0f1e2d3c4b5a",
    tenantId: "0c3f2a1b-4d5e-4f6a-8b7c-9d0e1f2a3b4c",
    title: "Digital currency mining related behavior detected",
    description: "Analysis of host data on web-01 detected the execution of a process normally associated with digital currency mining.",
    category: "Execution",
    alertWebUrl: "https://security.microsoft.com/alerts/dc637190012345678901_-1234567890",
    createdDateTime: "2026-11-20T04:02:11.51Z",
    lastUpdateDateTime: "2026-11-20T04:02:11.51Z",
    firstActivityDateTime: "2026-11-20T03:58:40Z",
    lastActivityDateTime: "2026-11-20T03:58:40Z",
    mitreTechniques: ["T1496"],
    evidence: [
      { "@odata.type": "#microsoft.graph.security.deviceEvidence", createdDateTime: "2026-11-20T04:02:11.51Z", verdict: "suspicious", remediationStatus: "none", roles: [], deviceDnsName: "web-01", osPlatform: "Linux" },
      { "@odata.type": "#microsoft.graph.security.processEvidence", createdDateTime: "2026-11-20T04:02:11.51Z", verdict: "suspicious", remediationStatus: "none", roles: [], processId: 16170, processCommandLine: "/tmp/.x/xmrig -o pool.supportxmr.com:3333", imageFile: { sha1: null, sha256: "0f5c4a2b7e9d1c3f5a6b8d0e2f4a6c8e0a2c4e6f8a0b2d4f6a8c0e2a4c6e8f0a", fileName: "xmrig", filePath: "/tmp/.x", fileSize: 6291456 }, parentProcessId: 16100, userAccount: { accountName: "www-data", domainName: null } },
    ],
  };
  const doc = JSON.stringify({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2", value: [graph] });
  assert.equal(await sniffWith(defenderSource, doc, "graph.json"), 0.9);
  const { events, issues } = await parseWith(defenderSource, doc, "graph.json");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["rule.name"], "Digital currency mining related behavior detected", "a GUID detector id is not a type");
  assert.equal(e["host.name"], "web-01");
  assert.equal(e["process.name"], "xmrig");
  assert.equal(e["process.executable"], "/tmp/.x/xmrig");
  assert.equal(e["process.pid"], 16170);
  assert.equal(e["user.name"], "www-data");
  assert.equal(e["minerhunt.alert.severity"], "high");
  assert.equal(e["@timestamp"], "2026-11-20T03:58:40.000Z");
});

test("an object that is not an alert is an issue; severity words and numbers map", async () => {
  const { events, issues } = await parseWith(defenderSource, JSON.stringify([sentinelRow, { hello: "world" }]), "a.json");
  assert.equal(events.length, 1);
  assert.match(issues[0]!.message, /^\[1\]: not a Defender for Cloud alert/);
  assert.deepEqual(["Informational", "Low", "Medium", "High", "100", 50, 10, "bogus"].map(defenderSeverity), ["low", "low", "medium", "high", "high", "medium", "low", undefined]);
});

test("sniffing: unknown JSON and other providers' findings are not claimed", async (t) => {
  assert.equal(await sniffWith(defenderSource, '{"foo":1}'), 0);
  assert.equal(await sniffWith(defenderSource, '{"tables":[{"columns":[{"name":"Computer"}],"rows":[["x"]]}]}'), 0, "a query over another table");
  const gd = sharedFixture(t, "cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json");
  if (gd) assert.equal(await sniffWith(defenderSource, readFileSync(gd)), 0);
});
