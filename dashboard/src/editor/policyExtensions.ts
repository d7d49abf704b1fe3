// CodeMirror extensions that put the language worker behind the editor: diagnostics through
// @codemirror/lint (quick fixes as its actions), completion (Ctrl-Space, or as you type), hover,
// formatting (Mod-Shift-F), rename (F2) and highlighting from the language server's semantic
// tokens, the language's own lexer and syntax tree.
import { autocompletion, snippetCompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics, type Action, type Diagnostic } from '@codemirror/lint';
import { StateEffect, StateField, type Extension, type Range } from '@codemirror/state';
import { Decoration, EditorView, hoverTooltip, keymap, type DecorationSet } from '@codemirror/view';
import { renderMarkdown } from './markdown';
import type { PolicyLanguageClient } from './PolicyLanguageClient';
import type { DiagnosticsReport, EditorDiagnostic, TextChange, TokenSpan } from './protocol';
import { toCodeMirrorSnippet } from './snippet';

export interface PolicyEditorHooks {
  /** F2 on a renameable name: the host asks for the new name and calls `renameTo`. */
  readonly onRename: (target: { from: number; to: number; placeholder: string; renameTo: (name: string) => Promise<string | null> }) => void;
}

const setTokens = StateEffect.define<DecorationSet>();

/** Token decorations, mapped through edits until the worker sends the tokens of the new text. */
const tokenField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, transaction) {
    for (const effect of transaction.effects) if (effect.is(setTokens)) return effect.value;
    return value.map(transaction.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

const tokenMarks = new Map<string, Decoration>();
function tokenMark(token: TokenSpan): Decoration {
  const key = `${token.type}${token.declaration ? ' declaration' : ''}`;
  let mark = tokenMarks.get(key);
  if (!mark) tokenMarks.set(key, (mark = Decoration.mark({ class: `tok-${token.type}${token.declaration ? ' tok-declaration' : ''}` })));
  return mark;
}

export function applyChanges(view: EditorView, changes: readonly TextChange[], userEvent: string): void {
  if (changes.length === 0) return;
  view.dispatch({ changes: changes.map((c) => ({ from: c.from, to: c.to, insert: c.insert })), userEvent, scrollIntoView: true });
}

function lintDiagnostic(view: EditorView, diagnostic: EditorDiagnostic): Diagnostic {
  const actions: Action[] = diagnostic.fixes.map((fix) => ({
    name: fix.title,
    apply: (target) => applyChanges(target, fix.changes, 'input.quickfix'),
  }));
  const length = view.state.doc.length;
  return {
    from: Math.min(diagnostic.from, length),
    to: Math.min(diagnostic.to, length),
    severity: diagnostic.severity,
    source: diagnostic.code,
    message: diagnostic.message,
    ...(diagnostic.unnecessary ? { markClass: 'cm-unnecessary' } : {}),
    actions,
  };
}

export async function formatDocument(view: EditorView, client: PolicyLanguageClient): Promise<void> {
  const version = client.currentVersion;
  const changes = await client.request({ method: 'format' }).catch(() => []);
  // Only if nothing was typed meanwhile: the edit's offsets are those of `version`.
  if (client.currentVersion === version) applyChanges(view, changes, 'input.format');
}

export function policyLanguage(client: PolicyLanguageClient, hooks: PolicyEditorHooks, readOnly: boolean): Extension {
  const complete = async (context: CompletionContext): Promise<CompletionResult | null> => {
    const word = context.matchBefore(/[A-Za-z_][A-Za-z0-9_.]*$/);
    if (!context.explicit && !word) return null;
    const options = await client.request({ method: 'completion', offset: context.pos }).catch(() => []);
    if (context.aborted || options.length === 0) return null;
    const from = Math.min(...options.map((o) => o.from));
    return {
      from,
      options: options.map((option, index): Completion => {
        const base: Completion = {
          label: option.label,
          type: option.kind,
          boost: Math.max(-99, 60 - index),
          ...(option.detail ? { detail: option.detail } : {}),
          ...(option.info ? { info: () => renderMarkdown(option.info!) } : {}),
        };
        return option.snippet ? snippetCompletion(toCodeMirrorSnippet(option.insert), base) : { ...base, apply: option.insert };
      }),
      validFor: /^[A-Za-z_][A-Za-z0-9_]*$/,
    };
  };

  const hover = hoverTooltip(async (_view, pos) => {
    const info = await client.request({ method: 'hover', offset: pos }).catch(() => null);
    if (!info) return null;
    return { pos: info.from, end: info.to, above: true, create: () => ({ dom: renderMarkdown(info.markdown) }) };
  });

  const renameAt = (view: EditorView): boolean => {
    const offset = view.state.selection.main.head;
    void client.request({ method: 'prepareRename', offset }).then((target) => {
      if (!target) return;
      hooks.onRename({
        ...target,
        renameTo: async (name) => {
          try {
            const changes = await client.request({ method: 'rename', offset, newName: name });
            applyChanges(view, changes, 'input.rename');
            return null;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        },
      });
    }, () => undefined);
    return true;
  };

  return [
    tokenField,
    lintGutter(),
    readOnly ? [] : autocompletion({ override: [complete], icons: true }),
    hover,
    readOnly
      ? []
      : keymap.of([
          { key: 'Mod-Shift-f', run: (view) => (void formatDocument(view, client), true), preventDefault: true },
          { key: 'F2', run: renameAt, preventDefault: true },
        ]),
  ];
}

/**
 * Tokens are asked for once typing pauses: on a large policy they cost as much as a check, and
 * the worker should spend a burst of keystrokes on diagnostics. Meanwhile the decorations of
 * the last tokens move with the edits.
 */
const TOKENS_DELAY_MS = 120;
const tokenTimers = new WeakMap<EditorView, ReturnType<typeof setTimeout>>();

/** Shows a diagnostics report, and asks for the tokens of the text it was made for. */
export function showReport(view: EditorView, client: PolicyLanguageClient, report: DiagnosticsReport): void {
  if (report.version !== client.currentVersion) return;
  view.dispatch(setDiagnostics(view.state, report.diagnostics.map((d) => lintDiagnostic(view, d))));
  if (report.stage !== 'checked') return;
  clearTimeout(tokenTimers.get(view));
  tokenTimers.set(view, setTimeout(() => {
    if (client.currentVersion !== report.version) return;
    void client.request({ method: 'tokens' }).then((tokens) => {
      if (client.currentVersion !== report.version) return;
      const length = view.state.doc.length;
      const ranges: Range<Decoration>[] = tokens.filter((t) => t.to <= length && t.from < t.to).map((t) => tokenMark(t).range(t.from, t.to));
      view.dispatch({ effects: setTokens.of(Decoration.set(ranges, true)) });
    }, () => undefined);
  }, TOKENS_DELAY_MS));
}
