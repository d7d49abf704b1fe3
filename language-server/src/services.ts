// The language services without the server: every feature as a plain function of a checked
// document, and nothing that needs Node (no connection, threads, files or settings). The
// language server (server.ts) and the dashboard's policy editor (a Web Worker) both call these,
// so an editor in the browser gets the same diagnostics, completion, hover, formatting, rename
// and quick fixes as VS Code.
export { PolicyDocument, policyDocument } from './PolicyDocument.js';
export { codeActions } from './features/codeActions.js';
export { completion } from './features/completion.js';
export { toLspDiagnostic, toLspDiagnostics } from './features/diagnostics.js';
export { documentSymbols } from './features/documentSymbols.js';
export { formatting } from './features/formatting.js';
export { hover } from './features/hover.js';
export { definition, documentHighlights, prepareRename, references, rename } from './features/navigation.js';
export { NO_NAMES, policyNames, type PolicyNames } from './features/policyNames.js';
export { semanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semanticTokens.js';
