/**
 * Contract placeholder: the aws connector's client handle, passed in through ResponseContext.clients.
 * The connector's own work defines its members (tests hand in real SDK clients pointed at 127.0.0.1).
 */
export interface AwsClients {
  readonly kind: "aws";
}
