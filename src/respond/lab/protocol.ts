/**
 * The wire formats the lab speaks, as the AWS SDK v3 writes and reads them: the Query protocols (EC2's and
 * the awsQuery of IAM, STS and Auto Scaling: form-encoded requests, XML answers) and JSON errors.
 */
import { randomUUID } from "node:crypto";

export type Params = Map<string, string>;

export class LabError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export function parseForm(body: string): Params {
  const out: Params = new Map();
  for (const [k, v] of new URLSearchParams(body)) out.set(k, v);
  return out;
}

/** Values of a flattened list: `InstanceId.1`, `InstanceId.2`... (EC2) or `Names.member.1`... (awsQuery). */
export function list(params: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params.get(`${prefix}.${i}`);
    if (v === undefined) return out;
    out.push(v);
  }
}

/** EC2 filters: Filter.N.Name and Filter.N.Value.M. */
export function filters(params: Params): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 1; ; i++) {
    const name = params.get(`Filter.${i}.Name`);
    if (name === undefined) return out;
    out.set(name, list(params, `Filter.${i}.Value`));
  }
}

export function required(params: Params, name: string): string {
  const v = params.get(name);
  if (v === undefined || v === "") throw new LabError("MissingParameter", `The request must contain the parameter ${name}`);
  return v;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** `<name>value</name>`, or nothing when the value is absent. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** An EC2 list: `<name><item>…</item>…</name>`. */
export function items(name: string, inner: string[]): string {
  return `<${name}>${inner.map((i) => `<item>${i}</item>`).join("")}</${name}>`;
}

/** An awsQuery list: `<name><member>…</member>…</name>`. */
export function members(name: string, inner: string[]): string {
  return `<${name}>${inner.map((i) => `<member>${i}</member>`).join("")}</${name}>`;
}

const EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

export function ec2Response(action: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}"><requestId>${randomUUID()}</requestId>${inner}</${action}Response>`;
}

export function ec2Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

export function queryResponse(action: string, namespace: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(code: string, message: string, status: number): string {
  const type = status >= 500 ? "Receiver" : "Sender";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** Opaque page tokens: the offset, base64 (tokens from another call are refused). */
export function pageToken(scope: string, offset: number): string {
  return Buffer.from(`${scope}:${offset}`).toString("base64");
}

export function readToken(scope: string, token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  const text = Buffer.from(token, "base64").toString();
  const at = text.lastIndexOf(":");
  const s = text.slice(0, Math.max(at, 0));
  const offset = Number(text.slice(at + 1));
  if (s !== scope || !Number.isInteger(offset) || offset < 0) throw new LabError("InvalidParameterValue", `Invalid value '${token}' for nextToken`);
  return offset;
}
