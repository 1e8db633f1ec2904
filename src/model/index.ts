export * from "./event.js";
export * from "./issue.js";
export * from "./finding.js";
export * from "./incident.js";
