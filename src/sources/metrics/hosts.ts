/** Host names as metrics systems label them. */

/** EC2 instance ids: "i-" and 8 or 17 hex digits. */
const EC2_INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** The same, found inside a longer text (a CloudWatch label, a file name); bounded and anchored by word edges. */
const EC2_INSTANCE_ID_IN_TEXT = /(?:^|[^0-9a-z])(i-(?:[0-9a-f]{17}|[0-9a-f]{8}))(?![0-9a-z])/;

export function isEc2InstanceId(text: string): boolean {
  return EC2_INSTANCE_ID.test(text);
}

/** The first EC2 instance id written inside a text, if any (texts over 4 KiB are not searched). */
export function findEc2InstanceId(text: string): string | undefined {
  if (text.length > 4096) return undefined;
  return EC2_INSTANCE_ID_IN_TEXT.exec(text)?.[1];
}

/**
 * A Prometheus `instance` is "host:port" (or "[v6]:port"); the host is what other telemetry names.
 * A bare IPv6 address (several colons, no brackets) is left whole.
 */
export function stripPort(instance: string): string {
  const text = instance.trim();
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    return close > 0 ? text.slice(1, close) : text;
  }
  const colon = text.indexOf(":");
  if (colon === -1 || colon !== text.lastIndexOf(":")) return text;
  const port = text.slice(colon + 1);
  return /^\d{1,5}$/.test(port) ? text.slice(0, colon) : text;
}
