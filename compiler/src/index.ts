// @axiru/compiler: the policy language. compile() is the entry point; the rest is exported
// for the language server (syntax tree, positions, formatter) and for tools.
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
export { canonicalJson } from './emit/canonicalJson.js';
export { hashIR } from './emit/hashIR.js';
export type { SourceMap, RuleSource } from './emit/emitPolicy.js';
