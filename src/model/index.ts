export * from "./event.js";
export * from "./issue.js";
export * from "./finding.js";
export * from "./fact.js";
export * from "./entities.js";
export * from "./tags.js";
export * from "./incident.js";
export * from "./campaign.js";
