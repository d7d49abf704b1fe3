// The policy editor: CodeMirror 6 over one draft, with its language worker. Mounted per draft
// (keyed by its id), so each draft has its own text, undo history and worker.
import { closeBrackets } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyField, historyKeymap, indentWithTab } from '@codemirror/commands';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../components';
import './editor.css';
import { getDraft, saveDraft, type Draft } from './drafts';
import { PolicyLanguageClient } from './PolicyLanguageClient';
import { formatDocument, policyLanguage, showReport, type PolicyEditorHooks } from './policyExtensions';
import type { DiagnosticsReport } from './protocol';

const SAVE_DELAY_MS = 300;

interface RenameRequest {
  readonly placeholder: string;
  readonly renameTo: (name: string) => Promise<string | null>;
}

export interface PolicyEditorProps {
  readonly draft: Draft;
  /** Where drafts are stored (organisation and user). */
  readonly scope: string;
  readonly readOnly: boolean;
  readonly onText: (text: string) => void;
  readonly onReport: (report: DiagnosticsReport) => void;
}

export function PolicyEditor({ draft, scope, readOnly, onText, onReport }: PolicyEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const clientRef = useRef<PolicyLanguageClient | null>(null);
  const callbacks = useRef({ onText, onReport });
  callbacks.current = { onText, onReport };
  const [renaming, setRenaming] = useState<RenameRequest | null>(null);
  const [renameValue, setRenameValue] = useState('');
  const [renameError, setRenameError] = useState<string | null>(null);

  useEffect(() => {
    const client = new PolicyLanguageClient();
    clientRef.current = client;
    let saveTimer: ReturnType<typeof setTimeout> | null = null;
    const save = (state: EditorState): void => {
      // A draft published or discarded meanwhile stays gone.
      if (!getDraft(scope, draft.id)) return;
      saveDraft(scope, { ...draft, text: state.doc.toString(), editor: state.toJSON({ history: historyField }) });
    };
    const hooks: PolicyEditorHooks = {
      onRename: (target) => {
        setRenameValue(target.placeholder);
        setRenameError(null);
        setRenaming({ placeholder: target.placeholder, renameTo: target.renameTo });
      },
    };
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightActiveLine(),
      drawSelection(),
      EditorView.lineWrapping,
      history(),
      closeBrackets(),
      EditorState.readOnly.of(readOnly),
      EditorView.editable.of(!readOnly),
      EditorView.contentAttributes.of({ 'aria-label': readOnly ? 'Policy source (read-only)' : 'Policy source', spellcheck: 'false' }),
      policyLanguage(client, hooks, readOnly),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        const text = update.state.doc.toString();
        client.update(text);
        callbacks.current.onText(text);
        if (readOnly) return;
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = setTimeout(() => save(update.state), SAVE_DELAY_MS);
      }),
    ];
    let state: EditorState;
    try {
      state = draft.editor && !readOnly
        ? EditorState.fromJSON(draft.editor, { extensions }, { history: historyField })
        : EditorState.create({ doc: draft.text, extensions });
      if (state.doc.toString() !== draft.text) state = EditorState.create({ doc: draft.text, extensions });
    } catch {
      state = EditorState.create({ doc: draft.text, extensions });
    }
    const view = new EditorView({ state, parent: host.current! });
    viewRef.current = view;
    const unsubscribe = client.onDiagnostics((report) => {
      showReport(view, client, report);
      callbacks.current.onReport(report);
    });
    client.update(state.doc.toString());
    // For tests and the benchmark: the view and its client, reachable from the page.
    (host.current as HTMLDivElement & { policyEditor?: unknown }).policyEditor = { view, client };
    return () => {
      if (saveTimer) {
        clearTimeout(saveTimer);
        if (!readOnly) save(view.state);
      }
      unsubscribe();
      view.destroy();
      client.dispose();
      viewRef.current = null;
      clientRef.current = null;
    };
    // The editor is made once per draft (the parent keys it by draft id).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const submitRename = async (): Promise<void> => {
    if (!renaming) return;
    const error = await renaming.renameTo(renameValue.trim());
    if (error) setRenameError(error);
    else {
      setRenaming(null);
      viewRef.current?.focus();
    }
  };

  return (
    <div className="policy-editor">
      {readOnly ? null : (
        <div className="editor-toolbar" role="toolbar" aria-label="Editor">
          <button type="button" className="button ghost small" onClick={() => { const view = viewRef.current; const client = clientRef.current; if (view && client) void formatDocument(view, client); }}>Format <kbd>Ctrl Shift F</kbd></button>
          <span className="muted small">Complete <kbd>Ctrl Space</kbd> · Rename <kbd>F2</kbd> · Undo <kbd>Ctrl Z</kbd></span>
        </div>
      )}
      <div ref={host} className="editor-host" data-testid="policy-editor" />
      <Dialog open={renaming !== null} title={`Rename ${renaming?.placeholder ?? ''}`} onClose={() => setRenaming(null)}>
        <form method="dialog" onSubmit={(e) => { e.preventDefault(); void submitRename(); }}>
          <label htmlFor="rename-to">New name (every use is renamed)</label>
          <input id="rename-to" value={renameValue} autoFocus onChange={(e) => setRenameValue(e.target.value)} />
          {renameError ? <div className="note note-error" role="alert">{renameError}</div> : null}
          <div className="button-row">
            <button type="submit" className="button primary">Rename</button>
            <button type="button" className="button ghost" onClick={() => setRenaming(null)}>Cancel</button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
