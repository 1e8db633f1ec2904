/**
 * Network sources: Zeek (conn, dns, ssl, http; TSV and JSON), Suricata EVE JSON, AWS VPC Flow
 * Logs and packet captures (pcap, pcapng).
 */
import type { Source } from "../types.js";
import { vpcFlowSource } from "./aws/vpcflow.js";
import { azureDnsSource } from "./cloud-dns/azure-dns.js";
import { gcpDnsSource } from "./cloud-dns/gcp-dns.js";
import { route53ResolverSource } from "./cloud-dns/route53-resolver.js";
import { pcapSource } from "./pcap/source.js";
import { suricataEveSource } from "./suricata/source.js";
import { zeekConnSource, zeekDnsSource, zeekHttpSource, zeekSslSource } from "./zeek/source.js";

export const networkSources: Source[] = [
  zeekConnSource,
  zeekDnsSource,
  zeekSslSource,
  zeekHttpSource,
  suricataEveSource,
  vpcFlowSource,
  route53ResolverSource,
  gcpDnsSource,
  azureDnsSource,
  pcapSource,
];

export { vpcFlowSource, pcapSource, suricataEveSource, zeekConnSource, zeekDnsSource, zeekHttpSource, zeekSslSource };
