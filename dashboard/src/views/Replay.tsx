import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Amounts as AmountsJson, Page } from '../apiTypes';
import { Amounts, Card, Empty, ErrorNote, KeyValues, Loading, PageHeader } from '../components';
import { formatCount, formatDate, formatTime, OUTCOME_LABELS } from '../format';
import { Link, navigate } from '../router';
import { isAdmin, useSession } from '../session';
import { useAction, useApi } from '../useApi';
import { OUTCOME_COLORS } from './Overview';

interface Totals { readonly count: number; readonly amount: AmountsJson }

interface ReplayReport {
  readonly policy: string;
  readonly policy_version: string;
  readonly refunds: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly by_outcome: Readonly<Record<string, Totals>>;
  readonly by_role: Readonly<Record<string, Totals>>;
  readonly rules: Readonly<Record<string, { outcome: string; matched: number; decided: number; amount: AmountsJson }>>;
  readonly drift: { blocked: Totals; held: Totals; examples: ReadonlyArray<{ id: string; outcome: string; rule: string | null; amount: string }> };
  readonly cfo: { refunded: AmountsJson; needed_approval: AmountsJson; blocked: AmountsJson; bypassed: number };
  readonly bad_rows: ReadonlyArray<{ file: string; line: number; reason: string }>;
  readonly bad_row_count: number;
}

interface ReplayJson {
  readonly id: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly created_at: string;
  readonly delete_after: string;
  readonly deleted_at?: string | null;
  readonly policy_version: string;
  readonly file_name: string;
  readonly progress: { rows: number; replayed?: number };
  readonly report?: ReplayReport | null;
  readonly error: { code: string; message: string } | null;
  readonly summary?: { refunds: number; bad_row_count: number } | null;
}

const OUTCOMES = ['allow', 'flag', 'pending_approval', 'block'];

function OutcomeBars({ report }: { report: ReplayReport }) {
  const max = Math.max(1, ...OUTCOMES.map((o) => report.by_outcome[o]?.count ?? 0));
  return (
    <table className="table bars" aria-label="Refunds by outcome">
      <thead><tr><th scope="col">Outcome</th><th scope="col" className="num">Refunds</th><th scope="col" className="num">Amount</th><th scope="col" className="bar-col"><span className="visually-hidden">Share</span></th></tr></thead>
      <tbody>
        {OUTCOMES.map((o) => {
          const totals = report.by_outcome[o] ?? { count: 0, amount: {} };
          return (
            <tr key={o} data-outcome={o}>
              <th scope="row">{OUTCOME_LABELS[o]}</th>
              <td className="num">{formatCount(totals.count)}</td>
              <td className="num"><Amounts amounts={totals.amount} /></td>
              <td className="bar-col"><span className="bar" style={{ width: `${(totals.count / max) * 100}%`, background: OUTCOME_COLORS[o] }} /></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Report({ replay }: { replay: ReplayJson }) {
  const report = replay.report;
  if (!report) return null;
  const rules = Object.entries(report.rules);
  const maxMatched = Math.max(1, ...rules.map(([, r]) => r.matched));
  return (
    <>
      <Card title={`What ${report.policy} ${report.policy_version} would have done`}>
        <p>{formatCount(report.refunds)} refunds from {formatDate(report.from)} to {formatDate(report.to)}{report.bad_row_count > 0 ? `; ${formatCount(report.bad_row_count)} rows could not be read` : ''}.</p>
        <div className="metrics" data-testid="replay-numbers">
          <div className="metric"><p className="metric-title">Refunded</p><p className="metric-value"><Amounts amounts={report.cfo.refunded} /></p></div>
          <div className="metric metric-info"><p className="metric-title">Would have needed approval</p><p className="metric-value"><Amounts amounts={report.cfo.needed_approval} /></p></div>
          <div className="metric metric-bad"><p className="metric-title">Would have been blocked</p><p className="metric-value"><Amounts amounts={report.cfo.blocked} /></p></div>
          <div className="metric metric-warn"><p className="metric-title">Bypassed control</p><p className="metric-value">{formatCount(report.cfo.bypassed)}</p></div>
        </div>
        <OutcomeBars report={report} />
      </Card>
      <div className="grid-2">
        <Card title="Rules">
          <table className="table compact bars">
            <thead><tr><th scope="col">Rule</th><th scope="col" className="num">Matched</th><th scope="col" className="num">Decided</th><th scope="col" className="bar-col"><span className="visually-hidden">Share</span></th></tr></thead>
            <tbody>
              {rules.map(([name, r]) => (
                <tr key={name}>
                  <td><code>{name}</code></td><td className="num">{formatCount(r.matched)}</td><td className="num">{formatCount(r.decided)}</td>
                  <td className="bar-col"><span className="bar" style={{ width: `${(r.matched / maxMatched) * 100}%`, background: OUTCOME_COLORS[r.outcome] }} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Drift from what happened">
          <KeyValues entries={[
            ['Refunded but would be blocked', <>{formatCount(report.drift.blocked.count)} · <Amounts amounts={report.drift.blocked.amount} /></>],
            ['Refunded without the approval it needs', <>{formatCount(report.drift.held.count)} · <Amounts amounts={report.drift.held.amount} /></>],
          ]} />
          {report.drift.examples.length > 0 ? (
            <ul className="list">
              {report.drift.examples.map((e) => <li key={e.id}><code>{e.id}</code> {e.amount} — {OUTCOME_LABELS[e.outcome] ?? e.outcome} by <code>{e.rule ?? 'default'}</code></li>)}
            </ul>
          ) : null}
          {report.bad_rows.length > 0 ? (
            <>
              <h3 className="small-title">Rows that could not be read</h3>
              <ul className="list small">{report.bad_rows.slice(0, 10).map((b) => <li key={`${b.file}:${b.line}`}>line {b.line}: {b.reason}</li>)}</ul>
            </>
          ) : null}
        </Card>
      </div>
    </>
  );
}

function ReplayDetail({ id, onFinished }: { id: string; onFinished: () => void }) {
  const [replay, setReplay] = useState<ReplayJson | null>(null);
  const [error, setError] = useState<import('../api').ApiError | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const found = await api.get<ReplayJson>(`/api/replays/${encodeURIComponent(id)}`);
        if (stopped) return;
        setReplay(found);
        if (found.status === 'running') timer = setTimeout(() => void poll(), 700);
        else onFinished();
      } catch (caught) {
        if (!stopped) setError(caught as import('../api').ApiError);
      }
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, onFinished]);
  if (error) return <ErrorNote error={error} needs="GET /api/replays/:id (replays)" />;
  if (!replay) return <Loading />;
  return (
    <>
      <Card title={replay.file_name}>
        <KeyValues entries={[
          ['Status', replay.status === 'running' ? <span key="s" role="status" aria-live="polite">Running — {formatCount(replay.progress.rows)} refunds read</span> : replay.status === 'done' ? 'Done' : 'Failed'],
          ['Policy', replay.policy_version],
          ['Uploaded', formatTime(replay.created_at)],
          ['History deleted on', formatDate(replay.delete_after)],
        ]} />
        {replay.status === 'running' ? <progress aria-label="Replay progress" /> : null}
        {replay.error ? <div className="note note-error" role="alert">{replay.error.message}</div> : null}
      </Card>
      <Report replay={replay} />
    </>
  );
}

function Upload() {
  const input = useRef<HTMLInputElement>(null);
  const [format, setFormat] = useState('');
  const upload = useAction((form: FormData) => api.upload<{ id: string }>('/api/replays', form));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    const form = new FormData();
    if (format) form.append('format', format);
    form.append('file', file, file.name);
    const created = await upload.run(form);
    if (created) navigate(`/replay/${created.id}`);
  };
  return (
    <Card title="Replay a history">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <p className="muted">Stripe's payments export (CSV), a refunds CSV, or Refund objects as JSON Lines. Uploaded history is deleted after 30 days; the report stays.</p>
        <label htmlFor="history-file">History file</label>
        <input id="history-file" ref={input} type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" required />
        <label htmlFor="history-format">Format</label>
        <select id="history-format" value={format} onChange={(e) => setFormat(e.target.value)}>
          <option value="">Detect from the file</option>
          <option value="payments">Payments export (CSV)</option>
          <option value="refunds">Refunds (CSV)</option>
          <option value="jsonl">Refund JSON Lines</option>
        </select>
        <ErrorNote error={upload.error} needs="POST /api/replays (replays)" />
        <button type="submit" className="button primary" disabled={upload.busy}>{upload.busy ? 'Uploading…' : 'Upload and replay'}</button>
      </form>
    </Card>
  );
}

export function ReplayView({ id }: { id?: string }) {
  const session = useSession();
  const list = useApi<Page<ReplayJson>>('/api/replays');
  const { reload } = list;
  useEffect(() => reload(), [id, reload]);
  return (
    <div className="page">
      <PageHeader title="Replay" subtitle="Run past refunds through a policy: what it would have allowed, held and blocked." />
      {id ? <ReplayDetail id={id} onFinished={reload} /> : null}
      <div className="grid-2">
        {isAdmin(session) ? <Upload /> : null}
        <Card title="Previous reports">
          <ErrorNote error={list.error} needs="GET /api/replays (replays)" />
          {list.data && list.data.data.length === 0 ? <Empty title="No replays yet">Upload a history file to see what a policy would have done.</Empty> : null}
          <ul className="list">
            {(list.data?.data ?? []).map((r) => (
              <li key={r.id}>
                <Link href={`/replay/${r.id}`}>{r.file_name}</Link> <span className="muted">· {r.policy_version} · {r.status} · {formatTime(r.created_at)}
                  {r.summary ? ` · ${formatCount(r.summary.refunds)} refunds` : ''} · history {r.deleted_at ? `deleted ${formatDate(r.deleted_at)}` : `deleted on ${formatDate(r.delete_after)}`}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
