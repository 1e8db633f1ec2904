/** An error a person can act on, with a code the CLI maps to its exit status (usage → 2, refused → 1). */
export type RespondErrorCode = "not-found" | "invalid" | "refused" | "not-approved";

export class RespondError extends Error {
  constructor(readonly code: RespondErrorCode, message: string) {
    super(message);
    this.name = "RespondError";
  }
}
