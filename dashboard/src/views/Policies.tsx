import { useState } from 'react';
import { api, query } from '../api';
import type { PolicyDetail, PolicySummary, PromoteImpact, ShadowDiff } from '../apiTypes';
import { Amounts, Card, Dialog, Empty, ErrorNote, Loading, Money, OutcomeBadge, PageHeader } from '../components';
import { formatCount, formatTime } from '../format';
import { highlightPolicy } from '../highlightPolicy';
import { Link, navigate } from '../router';
import { isAdmin, useSession } from '../session';
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

  return (
    <div className="page">
      <PageHeader title="Policies" subtitle="Every published version; one is live, any number run as shadows beside it." />
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && policies.length === 0 ? <Empty title="No policy published">Publish one with <code>POST /api/policies</code> (admin key) and activate it.</Empty> : null}
      {policies.length > 0 ? (
        <div className="split">
          <nav aria-label="Versions" className="versions">
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
          <div className="stack">
            {summary ? (
              <Card
                title={<>{summary.name} {summary.policy_version} <Badges policy={summary} /></>}
                actions={isAdmin(session) ? <PolicyActions policy={summary} onChanged={() => { reloadAll(); navigate(`/policies/${summary.policy_version}`, true); }} /> : null}
              >
                <p className="muted">Hash <code className="hash">{summary.hash}</code> · published {formatTime(summary.created_at)}{summary.created_by ? ` by ${summary.created_by}` : ''}</p>
                <ErrorNote error={detail.error} />
                {detail.data ? <pre className="source" aria-label={`Source of ${summary.policy_version}`}><code>{highlightPolicy(detail.data.source)}</code></pre> : <Loading />}
              </Card>
            ) : <ErrorNote error={null} />}
            {summary?.shadow ? <DiffCard version={summary.policy_version} /> : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
