// @axiru/compiler/language: the policy language without refund history (which reads files and
// streams, so needs Node): what a browser can load, such as the dashboard's policy editor.
// compile() is the entry point; the rest is exported for the language server (syntax tree,
// positions, formatter) and for tools.
export { compile, type CompileOptions, type CompileResult } from './compile.js';
export * from './ast.js';
export type { Diagnostic, Severity, Span, Fix, RelatedInformation } from './diagnostics/Diagnostic.js';
export { CODES, type DiagnosticCode } from './diagnostics/codes.js';
export { LineIndex, type Position } from './source/LineIndex.js';
export { toJsonDiagnostic, type JsonDiagnostic } from './diagnostics/jsonDiagnostic.js';
export { parse, type ParseResult } from './syntax/parse.js';
export { resolve, seniorsOf, rankOf, DEFAULT_SOURCES, type Scope } from './semantics/resolve.js';
export { subjectInfo, SUBJECT_PHRASES, type ValueType } from './semantics/subjects.js';
export { formatPolicy } from './format/formatPolicy.js';
export { printStatement } from './format/printSyntax.js';
export { runExamples, type ExampleResult } from './examples/runExamples.js';
export { canonicalJson } from '@axiru/runtime';
export type { ImpactRefund, ImpactTransition, PolicyImpactReport } from '@axiru/runtime';
export { hashIR } from './emit/hashIR.js';
export type { SourceMap, RuleSource } from './emit/emitPolicy.js';
// For the language server: tokens and the shared parser (completion by grammar position),
// literal readers (hover), the outcomes an example may expect, and verdicts as written.
export { lex } from './syntax/lex.js';
export { policyParser } from './syntax/PolicyParser.js';
export * as Tokens from './syntax/tokens.js';
export { readMoney, readDuration, readTimeOfDay } from './semantics/literals.js';
export { OUTCOMES } from './checks/ExampleCheck.js';
export { printVerdict } from './format/printSyntax.js';
// For the language server: parsing item by item as you type, and compile() in two stages.
export { IncrementalParser, type ItemsParse } from './syntax/IncrementalParser.js';
export { checkPolicy, finishAnalysis, finishCompile, type CheckedPolicy } from './compileInStages.js';
export { AnalysisCancelled, analyzeRulesReport, DEFAULT_LIMITS, diffPolicies, type PolicyDiff, type RuleAnalysis } from './analysis/index.js';
