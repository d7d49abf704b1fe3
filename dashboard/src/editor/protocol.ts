// The messages between the policy editor and its language worker. Positions are offsets into
// the text (what CodeMirror speaks); the worker converts from the language server's line and
// character ranges with the document's own line index.

export type Severity = 'error' | 'warning' | 'info';

export interface TextChange {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

export interface QuickFix {
  readonly title: string;
  readonly preferred: boolean;
  readonly changes: readonly TextChange[];
}

export interface EditorDiagnostic {
  readonly from: number;
  readonly to: number;
  readonly severity: Severity;
  readonly code: string;
  /** The compiler's message and, on a second line, its help (as the language server sends it). */
  readonly message: string;
  readonly unnecessary: boolean;
  readonly fixes: readonly QuickFix[];
}

/** How far the diagnostics of a version have got: `final` ones are exactly `axiru check`'s. */
export type DiagnosticsStage = 'checked' | 'compiled' | 'analysed';

export interface DiagnosticsReport {
  readonly version: number;
  readonly stage: DiagnosticsStage;
  readonly final: boolean;
  readonly diagnostics: readonly EditorDiagnostic[];
  /** Whether the version may go on to the static analysis (it has no errors so far). */
  readonly analyse: boolean;
}

export interface CompletionOption {
  readonly label: string;
  readonly detail?: string;
  readonly info?: string;
  readonly kind: string;
  /** What to insert: a plain text, or a snippet with `${n:placeholder}` fields. */
  readonly insert: string;
  readonly snippet: boolean;
  readonly from: number;
  readonly to: number;
  readonly sortText: string;
}

export interface HoverInfo {
  readonly from: number;
  readonly to: number;
  /** Markdown, as the language server writes it. */
  readonly markdown: string;
}

/** A highlighted token: `type` is one of the language server's semantic token types. */
export interface TokenSpan {
  readonly from: number;
  readonly to: number;
  readonly type: string;
  readonly declaration: boolean;
}

export interface RenameTarget {
  readonly from: number;
  readonly to: number;
  readonly placeholder: string;
}

/** Requests, each answered with the matching result type below. */
export type Request =
  | { readonly method: 'completion'; readonly version: number; readonly offset: number }
  | { readonly method: 'hover'; readonly version: number; readonly offset: number }
  | { readonly method: 'format'; readonly version: number }
  | { readonly method: 'tokens'; readonly version: number }
  | { readonly method: 'prepareRename'; readonly version: number; readonly offset: number }
  | { readonly method: 'rename'; readonly version: number; readonly offset: number; readonly newName: string };

export interface Results {
  completion: CompletionOption[];
  hover: HoverInfo | null;
  format: TextChange[];
  tokens: TokenSpan[];
  prepareRename: RenameTarget | null;
  rename: TextChange[];
}

/** Editor → worker. */
export type ToWorker =
  | { readonly kind: 'update'; readonly version: number; readonly text: string }
  /** The analysis worker's diagnostics for `version` (compiler diagnostics, offsets). */
  | { readonly kind: 'analysed'; readonly version: number; readonly diagnostics: readonly unknown[] }
  | { readonly kind: 'request'; readonly id: number; readonly request: Request };

/** Worker → editor. */
export type FromWorker =
  | { readonly kind: 'diagnostics'; readonly report: DiagnosticsReport }
  | { readonly kind: 'response'; readonly id: number; readonly result?: unknown; readonly error?: string };
