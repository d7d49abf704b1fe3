// A draft in the Policies view: the editor, its diagnostics, what it would have done to sealed
// traffic, and publishing. Publish creates an immutable version (POST /api/policies; a policy
// with errors is refused with the compiler's 422, warnings need a confirmation); the version's
// own page follows, with "Start as shadow", then the shadow diff and promote-with-preview (Policies.tsx). The server enforces who may do each step; the page only
// follows it.
import { useCallback, useState } from 'react';
import { api, ApiError } from '../api';
import { Card, Dialog, ErrorNote } from '../components';
import { navigate } from '../router';
import { discardDraft, type Draft } from './drafts';
import { ImpactPanel } from './ImpactPanel';
import { PolicyEditor } from './PolicyEditor';
import type { DiagnosticsReport, EditorDiagnostic } from './protocol';

interface Published {
  readonly policy_version: string;
  readonly created: boolean;
}

interface ServerDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

export function DiagnosticsSummary({ report }: { report: DiagnosticsReport | null }) {
  if (!report) return <p className="muted small" data-testid="diagnostics-state">Checking…</p>;
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = report.diagnostics.filter((d) => d.severity === 'warning').length;
  const state = report.final ? 'checked' : report.stage === 'checked' ? 'checked; compiling…' : 'compiled; analysing…';
  return (
    <p className={`small ${errors > 0 ? 'text-error' : 'muted'}`} data-testid="diagnostics-state" data-final={report.final}>
      {errors} error{errors === 1 ? '' : 's'}, {warnings} warning{warnings === 1 ? '' : 's'} · {state}
    </p>
  );
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export interface DraftPageProps {
  readonly draft: Draft;
  readonly scope: string;
  readonly canPublish: boolean;
  /** The draft is now this published version (and no longer a draft). */
  readonly onPublished: (version: string, created: boolean) => void;
}

export function DraftPage({ draft, scope, canPublish, onPublished }: DraftPageProps) {
  const [text, setText] = useState(draft.text);
  const [report, setReport] = useState<DiagnosticsReport | null>(null);
  const [confirming, setConfirming] = useState<readonly EditorDiagnostic[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const onReport = useCallback((r: DiagnosticsReport) => setReport(r), []);
  const errors = report?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  const hasErrors = errors.length > 0;
  // The impact needs a text that compiles; while the check has errors there is nothing to ask.
  const impactSource = report && !hasErrors ? text : null;

  const publish = async (): Promise<void> => {
    setConfirming(null);
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<Published>('/api/policies', { source: text });
      discardDraft(scope, draft.id);
      onPublished(result.policy_version, result.created);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, { code: 'client', message: String(caught), field: null }));
    } finally {
      setBusy(false);
    }
  };

  const startPublish = (): void => {
    const warnings = report?.diagnostics.filter((d) => d.severity === 'warning') ?? [];
    if (warnings.length > 0) setConfirming(warnings);
    else void publish();
  };

  const serverDiagnostics = (error?.body as { diagnostics?: ServerDiagnostic[] } | undefined)?.diagnostics ?? [];

  return (
    <div className="draft-layout">
      <Card
        title={<>Draft {draft.base ? <>from {draft.base}</> : <>(new policy)</>}</>}
        actions={canPublish ? (
          <div className="button-row">
            <button type="button" className="button primary" disabled={busy || hasErrors || !report?.final} onClick={startPublish} title={hasErrors ? 'A policy with errors cannot be published' : undefined}>Publish</button>
            <button type="button" className="button ghost" disabled={busy} onClick={() => { if (window.confirm('Discard this draft? Its text is lost.')) { discardDraft(scope, draft.id); navigate('/policies'); } }}>Discard draft</button>
          </div>
        ) : null}
      >
        <PolicyEditor key={draft.id} draft={draft} scope={scope} readOnly={!canPublish} onText={setText} onReport={onReport} />
        <DiagnosticsSummary report={report} />
        <ErrorNote error={error} needs="POST /api/policies" />
        {serverDiagnostics.length > 0 ? (
          <ul className="list diagnostics-list" aria-label="Diagnostics from the server">
            {serverDiagnostics.map((d, i) => <li key={i}><code>{d.code}</code> {d.severity} line {d.line}:{d.column}: {d.message}</li>)}
          </ul>
        ) : null}
        <Dialog open={confirming !== null} title="Publish with warnings?" onClose={() => setConfirming(null)}>
          <p>The compiler warns about {confirming?.length === 1 ? 'one thing' : `${confirming?.length ?? 0} things`}:</p>
          <ul className="list">
            {(confirming ?? []).map((d, i) => <li key={i}><code>{d.code}</code> line {lineOf(text, d.from)}: {d.message.split('\n')[0]}</li>)}
          </ul>
          <div className="button-row">
            <button type="button" className="button primary" onClick={() => void publish()}>Publish anyway</button>
            <button type="button" className="button ghost" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </Dialog>
      </Card>
      <ImpactPanel source={impactSource} />
    </div>
  );
}
