import { useState } from 'react';
import { api, query } from '../api';
import { DiagnosticsSummary, DraftPage } from '../editor/DraftPage';
import { EMPTY_POLICY, getDraft, listDrafts, newDraft, type Draft } from '../editor/drafts';
import { PolicyEditor } from '../editor/PolicyEditor';
import type { DiagnosticsReport } from '../editor/protocol';
import type { PolicyDetail, PolicySummary, PromoteImpact, ShadowDiff } from '../apiTypes';
import { Amounts, Card, Dialog, Empty, ErrorNote, Loading, Money, OutcomeBadge, PageHeader } from '../components';
import { formatCount, formatTime } from '../format';
import { highlightPolicy } from '../highlightPolicy';
import { Link, navigate, useLocation } from '../router';
import { isAdmin, useSession, type Session } from '../session';
import { useAction, useApi } from '../useApi';

function Badges({ policy }: { policy: PolicySummary }) {
  return (
    <>
      {policy.live ? <span className="badge status-approved">Live</span> : null}
      {policy.shadow ? <span className="badge status-held">Shadow</span> : null}
    </>
  );
}

function DiffCard({ version }: { version: string }) {
  const diff = useApi<ShadowDiff>(`/api/policies/${version}/diff${query({ limit: 20 })}`);
  return (
    <Card title="Shadow vs live">
      <ErrorNote error={diff.error} needs="GET /api/policies/:version/diff (shadow policies)" />
      {diff.loading && !diff.data ? <Loading /> : null}
      {diff.data ? (
        diff.data.compared === 0 ? <Empty title="No decisions compared yet">Each new refund request is decided by the live policy and by this shadow; differences appear here.</Empty> : (
          <>
            <p>
              {formatCount(diff.data.differing)} of {formatCount(diff.data.compared)} decisions since {formatTime(diff.data.since)} would differ under {version} (live: {diff.data.live_policy_version}).
            </p>
            {diff.data.transitions.length > 0 ? (
              <table className="table compact">
                <thead><tr><th scope="col">Live</th><th scope="col">Shadow</th><th scope="col" className="num">Refunds</th><th scope="col" className="num">Amount</th></tr></thead>
                <tbody>
                  {diff.data.transitions.map((t) => (
                    <tr key={`${t.from}-${t.to}`}><td><OutcomeBadge outcome={t.from} /></td><td><OutcomeBadge outcome={t.to} /></td><td className="num">{formatCount(t.count)}</td><td className="num"><Amounts amounts={t.amounts} /></td></tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {diff.data.intents.data.length > 0 ? (
              <>
                <h3 className="small-title">Refunds decided differently</h3>
                <table className="table compact">
                  <thead><tr><th scope="col">Received</th><th scope="col" className="num">Amount</th><th scope="col">Live</th><th scope="col">Shadow</th></tr></thead>
                  <tbody>
                    {diff.data.intents.data.map((row) => (
                      <tr key={row.intent_id}>
                        <td><Link href={`/intents/${row.intent_id}`}>{formatTime(row.received_at)}</Link></td>
                        <td className="num"><Money minor={row.amount_cents} currency={row.currency} /></td>
                        <td><OutcomeBadge outcome={row.live.outcome} /> <code>{row.live.matched_rule ?? 'default'}</code></td>
                        <td><OutcomeBadge outcome={row.shadow.outcome} /> <code>{row.shadow.matched_rule ?? 'default'}</code></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : null}
          </>
        )
      ) : null}
    </Card>
  );
}

function PolicyActions({ policy, onChanged }: { policy: PolicySummary; onChanged: () => void }) {
  const [impact, setImpact] = useState<PromoteImpact | null>(null);
  const [reason, setReason] = useState('');
  const shadowOn = useAction(() => api.post(`/api/policies/${policy.policy_version}/shadow`));
  const shadowOff = useAction(() => api.del(`/api/policies/${policy.policy_version}/shadow`));
  const preview = useAction(() => api.post<{ promoted: boolean; impact: PromoteImpact }>(`/api/policies/${policy.policy_version}/promote`, {}));
  const promote = useAction(() => api.post<{ promoted: boolean }>(`/api/policies/${policy.policy_version}/promote`, { confirm: true, ...(reason.trim() ? { reason: reason.trim() } : {}) }));
  if (policy.live) return null;
  const done = (result: unknown): void => {
    if (result !== undefined) onChanged();
  };
  return (
    <div className="button-row">
      {policy.shadow
        ? <button type="button" className="button" disabled={shadowOff.busy} onClick={() => void shadowOff.run().then(done)}>Stop shadowing</button>
        : <button type="button" className="button" disabled={shadowOn.busy} onClick={() => void shadowOn.run().then(done)}>Run as shadow</button>}
      <button type="button" className="button primary" disabled={preview.busy} onClick={() => void preview.run().then((r) => { if (r) setImpact(r.impact); })}>Promote to live…</button>
      <ErrorNote error={shadowOn.error ?? shadowOff.error ?? preview.error} needs="the shadow and promote endpoints" />
      <Dialog open={impact !== null} title={`Make ${policy.policy_version} live?`} onClose={() => setImpact(null)}>
        {impact ? (
          <>
            <p>Replayed against {formatCount(impact.evaluated)} recent decisions{impact.since ? ` since ${formatTime(impact.since)}` : ''}:</p>
            {impact.summary.length > 0 ? <ul className="list">{impact.summary.map((line) => <li key={line}>{line}</li>)}</ul> : <p>No decision would change.</p>}
            <label htmlFor="promote-reason">Reason (recorded in the ledger)</label>
            <input id="promote-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            <ErrorNote error={promote.error} />
            <div className="button-row">
              <button type="button" className="button primary" disabled={promote.busy} onClick={() => void promote.run().then((r) => { if (r) { setImpact(null); onChanged(); } })}>Promote {policy.policy_version}</button>
              <button type="button" className="button ghost" onClick={() => setImpact(null)}>Cancel</button>
            </div>
          </>
        ) : null}
      </Dialog>
    </div>
  );
}

/** Drafts are the browser's, per organisation and user. */
function draftScope(session: Session): string {
  return `${session.org.id}:${session.user.id}`;
}

/** The source with its header's version set to `version` (publishing needs a new number). */
function withVersion(source: string, version: number): string {
  return source.replace(/^(\s*policy\s+"[^"\n]*"\s+version\s+)\d+/m, `$1${version}`);
}

/** Right after publishing from the editor: the next step, one click. */
function StartShadowCard({ policy, onStarted }: { policy: PolicySummary; onStarted: () => void }) {
  const start = useAction(() => api.post(`/api/policies/${policy.policy_version}/shadow`));
  return (
    <Card title={`Published ${policy.policy_version}`}>
      <div className="note note-info" role="status" data-testid="published">
        Published <strong>{policy.policy_version}</strong>, an immutable version. It is not live: run it as a shadow beside the live policy to compare their decisions on new refunds, then promote it.
      </div>
      <div className="button-row">
        <button type="button" className="button primary" disabled={start.busy} onClick={() => void start.run().then((r) => { if (r !== undefined) onStarted(); })}>Start as shadow</button>
      </div>
      <ErrorNote error={start.error} />
    </Card>
  );
}

/** A version's source in the editor, read-only: what users who cannot publish see. */
function ReadOnlyEditor({ version, source, scope }: { version: string; source: string; scope: string }) {
  const [report, setReport] = useState<DiagnosticsReport | null>(null);
  const draft: Draft = { id: `view-${version}`, base: version, text: source, updated_at: '' };
  return (
    <>
      <p className="muted small">Read-only: publishing a new version needs the admin role. Hover a name for what it means.</p>
      <PolicyEditor key={draft.id} draft={draft} scope={scope} readOnly onText={() => undefined} onReport={setReport} />
      <DiagnosticsSummary report={report} />
    </>
  );
}

export function PoliciesView({ version }: { version?: string }) {
  const session = useSession();
  const list = useApi<{ data: PolicySummary[] }>('/api/policies');
  const policies = [...(list.data?.data ?? [])].sort((a, b) => b.version - a.version);
  const selected = version ?? policies.find((p) => p.live)?.policy_version ?? policies[0]?.policy_version;
  const detail = useApi<PolicyDetail>(selected ? `/api/policies/${selected}` : null);
  const summary = policies.find((p) => p.policy_version === selected);
  const reloadAll = (): void => {
    list.reload();
    detail.reload();
  };
  const location = useLocation();
  const admin = isAdmin(session);
  const scope = draftScope(session);
  const drafts = listDrafts(scope);
  const draftId = location.search.get('draft');
  const draft = draftId ? getDraft(scope, draftId) : null;
  const inEditor = location.search.get('editor') === '1';
  const justPublished = location.search.get('published') === '1';
  const nextVersion = policies.reduce((max, p) => Math.max(max, p.version), 0) + 1;
  const startDraft = (base: string | null, source: string): void => {
    const created = newDraft(scope, base, withVersion(source, nextVersion));
    navigate(`/policies?draft=${created.id}`);
  };

  return (
    <div className="page">
      <PageHeader
        title="Policies"
        subtitle="Every published version; one is live, any number run as shadows beside it."
        actions={admin ? <button type="button" className="button" onClick={() => startDraft(null, EMPTY_POLICY)}>New empty policy</button> : null}
      />
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && policies.length === 0 && !draft ? <Empty title="No policy published">Start one with “New empty policy”, or publish one with <code>POST /api/policies</code> (admin key), and activate it.</Empty> : null}
      {draftId && !draft ? <div className="note note-info" role="status">This draft is no longer here: it was published or discarded (drafts live in this browser).</div> : null}
      {policies.length > 0 || draft ? (
        <div className={draft ? 'split editing' : 'split'}>
          <nav aria-label="Versions" className="versions">
            {drafts.length > 0 ? (
              <>
                <h2 className="small-title">Drafts</h2>
                <ul>
                  {drafts.map((d) => (
                    <li key={d.id}>
                      <Link href={`/policies?draft=${d.id}`} aria-current={d.id === draftId ? 'page' : undefined}>
                        <strong>Draft</strong> <span className="muted">{d.base ? `from ${d.base}` : 'new policy'}</span>
                        <span className="muted small">{formatTime(d.updated_at)}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
                <h2 className="small-title">Published</h2>
              </>
            ) : null}
            <ul>
              {policies.map((p) => (
                <li key={p.policy_version}>
                  <Link href={`/policies/${p.policy_version}`} aria-current={p.policy_version === selected ? 'page' : undefined}>
                    <strong>{p.policy_version}</strong> <span className="muted">{p.name}</span> <Badges policy={p} />
                    <span className="muted small">{formatTime(p.created_at)}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {draft ? <div className="stack"><DraftPage key={draft.id} draft={draft} scope={scope} canPublish={admin} onPublished={(v) => { list.reload(); navigate(`/policies/${v}?published=1`); }} /></div> : (
          <div className="stack">
            {summary && admin && justPublished && !summary.live && !summary.shadow ? <StartShadowCard policy={summary} onStarted={() => { reloadAll(); navigate(`/policies/${summary.policy_version}`, true); }} /> : null}
            {summary ? (
              <Card
                title={<>{summary.name} {summary.policy_version} <Badges policy={summary} /></>}
                actions={(
                  <div className="button-row">
                    {admin && detail.data ? <button type="button" className="button" onClick={() => startDraft(summary.policy_version, detail.data!.source)}>New version from this one</button> : null}
                    {!admin && detail.data ? <Link className="button" href={inEditor ? `/policies/${summary.policy_version}` : `/policies/${summary.policy_version}?editor=1`}>{inEditor ? 'Close editor' : 'Open in editor'}</Link> : null}
                    {admin ? <PolicyActions policy={summary} onChanged={() => { reloadAll(); navigate(`/policies/${summary.policy_version}`, true); }} /> : null}
                  </div>
                )}
              >
                <p className="muted">Hash <code className="hash">{summary.hash}</code> · published {formatTime(summary.created_at)}{summary.created_by ? ` by ${summary.created_by}` : ''}</p>
                <ErrorNote error={detail.error} />
                {detail.data
                  ? inEditor && !admin
                    ? <ReadOnlyEditor version={summary.policy_version} source={detail.data.source} scope={scope} />
                    : <pre className="source" aria-label={`Source of ${summary.policy_version}`}><code>{highlightPolicy(detail.data.source)}</code></pre>
                  : <Loading />}
              </Card>
            ) : <ErrorNote error={null} />}
            {summary?.shadow ? <DiffCard version={summary.policy_version} /> : null}
          </div>
          )}
        </div>
      ) : null}
    </div>
  );
}
