/**
 * The Sigma engine's public face: load rules, run them as a Detector, test the rules' embedded
 * examples. See docs/sigma.md for the semantics chosen where the specification leaves a choice.
 */
export { compileRuleSources, loadRules, type LoadOptions, type RuleSource } from "./loader.js";
export { sigmaDetector } from "./detector.js";
export { SigmaEngine, type EngineListener, type EngineOptions } from "./engine.js";
export { runRuleTests, type RuleTestReport, type RuleTestResult } from "./rule-tests.js";
export { defaultRuleDirs } from "./package-paths.js";
export { sourceKeywords } from "./source-keywords.js";
export { defaultTables, loadTables, type SigmaTables } from "./tables.js";
export { EventView, type FieldRef } from "./event-view.js";
export type { CorrelationHit } from "./correlation-run.js";
export type {
  CompiledCorrelationRule, CompiledDetectionRule, CompiledRule, CorrelationSpec, LoadResult, LoadStats, Logsource,
  Route, RuleError, RuleMeta, RuleProblem, RuleTestCase, RuleWarning,
} from "./types.js";
export { sigmaPrefilterHints, type DatasetNeeds } from "./prefilter-hints.js";
export { declaredDatasets } from "./declared-routes.js";
