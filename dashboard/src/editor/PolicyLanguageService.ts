// The policy editor's language service: the language server's own feature functions
// (@axiru/language-server/services) over the text being edited, with answers in offsets for
// CodeMirror. It runs in the language worker (languageWorker.ts); tests run it in Node.
//
// Diagnostics come in the language server's three stages (DiagnosticsScheduler.ts there):
// `check` (parse and syntax-tree checks, what a keystroke needs at once), `compile` (the IR and
// the `example` runs) and the static analysis, which the editor runs in a second worker
// (analysisWorker.ts) and hands back through `analysed`. Once a stage says `final`, the list is
// exactly what `axiru check` reports for the same text.
import { checkPolicy, IncrementalParser, LineIndex, type Diagnostic as CompilerDiagnostic } from '@axiru/compiler/language';
import {
  codeActions,
  completion,
  formatting,
  hover,
  NO_NAMES,
  PolicyDocument,
  policyNames,
  prepareRename,
  rename,
  SEMANTIC_TOKENS_LEGEND,
  semanticTokens,
  toLspDiagnostics,
} from '@axiru/language-server/services';
import type { CompletionItem, Diagnostic as LspDiagnostic, MarkupContent, TextEdit } from 'vscode-languageserver-types';
import type { CompletionOption, DiagnosticsReport, DiagnosticsStage, EditorDiagnostic, HoverInfo, RenameTarget, Severity, TextChange, TokenSpan } from './protocol';

const URI = 'inmemory://policy.axiru';

/** LSP CompletionItemKind numbers, by name, for CodeMirror's completion icons. */
const COMPLETION_KINDS: Record<number, string> = { 3: 'function', 5: 'property', 6: 'variable', 7: 'class', 12: 'constant', 14: 'keyword', 15: 'text', 20: 'enum', 21: 'constant', 24: 'keyword' };

export class PolicyLanguageService {
  private readonly parser = new IncrementalParser();
  private text = '';
  private version = 0;
  private document: PolicyDocument | null = null;
  /** The last checked document, whatever its version: completion takes names from it. */
  private latest: PolicyDocument | null = null;

  update(version: number, text: string): void {
    this.version = version;
    this.text = text;
    this.document = null;
  }

  get currentVersion(): number {
    return this.version;
  }

  /** The current version, checked now if it was not yet. */
  private current(): PolicyDocument {
    if (!this.document) {
      this.document = new PolicyDocument(URI, this.version, checkPolicy(this.text, this.parser.parse(this.text)));
      this.latest = this.document;
    }
    return this.document;
  }

  /** Stage 1: final when the policy has errors (the compiler then stops there too). */
  check(): DiagnosticsReport {
    const document = this.current();
    const ok = document.checked.ok;
    // With errors the compile stage is instant, so their quick fixes come with them; without,
    // the fixes of warnings wait for the compile stage, to keep a keystroke cheap.
    return this.report(document, 'checked', document.checked.diagnostics, !ok, !ok, ok);
  }

  /** Stage 2: the IR and the example runs; final when the IR could not be made. */
  compile(): DiagnosticsReport {
    const document = this.current();
    const compiled = document.compiled;
    return this.report(document, 'compiled', compiled.diagnostics, compiled.ir === null, true, compiled.ir !== null);
  }

  /** Stage 3: the static analysis's diagnostics for `version` (null if the text has changed since). */
  analysed(version: number, diagnostics: readonly CompilerDiagnostic[]): DiagnosticsReport | null {
    if (version !== this.version) return null;
    return this.report(this.current(), 'analysed', diagnostics, true, true, false);
  }

  completion(offset: number): CompletionOption[] {
    const lines = this.latest?.version === this.version ? this.latest.lines : new LineIndex(this.text);
    const names = this.latest ? policyNames(this.latest) : NO_NAMES;
    return completion(this.text, offset, lines, names).map((item, index) => completionOption(item, index, lines));
  }

  hover(offset: number): HoverInfo | null {
    const document = this.current();
    const found = hover(document, document.positionAt(offset));
    if (!found) return null;
    const contents = found.contents as MarkupContent | string;
    const markdown = typeof contents === 'string' ? contents : contents.value;
    const range = found.range ? { from: document.offsetAt(found.range.start), to: document.offsetAt(found.range.end) } : { from: offset, to: offset };
    return { ...range, markdown };
  }

  format(): TextChange[] {
    const document = this.current();
    return formatting(document).map((edit) => change(document, edit));
  }

  /** Every token the lexer and the syntax tree classify, in source order. */
  tokens(): TokenSpan[] {
    const document = this.current();
    const data = semanticTokens(document).data;
    const out: TokenSpan[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i + 4 < data.length; i += 5) {
      const deltaLine = data[i]!;
      line += deltaLine;
      character = deltaLine === 0 ? character + data[i + 1]! : data[i + 1]!;
      const from = document.offsetAt({ line, character });
      const type = SEMANTIC_TOKENS_LEGEND.tokenTypes[data[i + 3]!] ?? 'variable';
      out.push({ from, to: from + data[i + 2]!, type, declaration: (data[i + 4]! & 1) !== 0 });
    }
    return out;
  }

  prepareRename(offset: number): RenameTarget | null {
    const document = this.current();
    const target = prepareRename(document, document.positionAt(offset));
    if (!target) return null;
    return { from: document.offsetAt(target.range.start), to: document.offsetAt(target.range.end), placeholder: target.placeholder };
  }

  /** Throws, with a message for the user, when the name cannot be used. */
  rename(offset: number, newName: string): TextChange[] {
    const document = this.current();
    const edit = rename(document, document.positionAt(offset), newName);
    return (edit.changes?.[document.uri] ?? []).map((e) => change(document, e));
  }

  private report(document: PolicyDocument, stage: DiagnosticsStage, diagnostics: readonly CompilerDiagnostic[], final: boolean, withFixes: boolean, analyse: boolean): DiagnosticsReport {
    const lsp = toLspDiagnostics(diagnostics, document.lines, document.uri);
    return { version: document.version, stage, final, analyse, diagnostics: lsp.map((d) => editorDiagnostic(document, d, withFixes)) };
  }
}

function editorDiagnostic(document: PolicyDocument, diagnostic: LspDiagnostic, withFixes: boolean): EditorDiagnostic {
  // The language server's own quick fixes, for this diagnostic only (matched by code and range).
  const fixes = withFixes
    ? codeActions(document, diagnostic.range, [diagnostic])
        .filter((action) => action.diagnostics?.includes(diagnostic))
        .map((action) => ({
          title: action.title,
          preferred: action.isPreferred === true,
          changes: (action.edit?.changes?.[document.uri] ?? []).map((edit) => change(document, edit)),
        }))
    : [];
  return {
    from: document.offsetAt(diagnostic.range.start),
    to: document.offsetAt(diagnostic.range.end),
    severity: severityOf(diagnostic.severity),
    code: String(diagnostic.code ?? ''),
    message: diagnostic.message,
    unnecessary: diagnostic.tags?.includes(1) === true,
    fixes,
  };
}

function severityOf(severity: LspDiagnostic['severity']): Severity {
  return severity === 1 ? 'error' : severity === 2 ? 'warning' : 'info';
}

function change(document: PolicyDocument, edit: TextEdit): TextChange {
  return { from: document.offsetAt(edit.range.start), to: document.offsetAt(edit.range.end), insert: edit.newText };
}

function completionOption(item: CompletionItem, index: number, lines: LineIndex): CompletionOption {
  const edit = item.textEdit && 'range' in item.textEdit ? item.textEdit : null;
  const documentation = typeof item.documentation === 'string' ? item.documentation : item.documentation?.value;
  return {
    label: item.label,
    ...(item.detail ? { detail: item.detail } : {}),
    ...(documentation ? { info: documentation } : {}),
    kind: COMPLETION_KINDS[item.kind ?? 0] ?? 'text',
    insert: edit?.newText ?? item.insertText ?? item.label,
    snippet: item.insertTextFormat === 2,
    from: edit ? lines.offsetAt(edit.range.start) : 0,
    to: edit ? lines.offsetAt(edit.range.end) : 0,
    sortText: item.sortText ?? String(index).padStart(4, '0'),
  };
}
