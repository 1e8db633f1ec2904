/**
 * A parse issue: a record that could not be read. The scan goes on; the summary lists these.
 * "expected" says what the parser wanted, so a person can fix the input.
 */
export interface ParseIssue {
  file: string;
  line?: number;
  offset?: number;
  /** Format the parser was reading, if known ("zeek.dns"). */
  format?: string;
  severity: "warning" | "error";
  message: string;
}
