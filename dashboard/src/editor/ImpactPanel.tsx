// "What your change would have done": the draft re-evaluated on the server against the
// organisation's sealed decisions (POST /api/policies/impact), per rule and as transitions from
// the live policy's outcomes, each transition opening the list of its refunds. Asked again a
// moment after typing stops; a request still in flight when the text changes is aborted.
import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { Card, ErrorNote, Money, OutcomeBadge } from '../components';
import { formatCount, formatTime } from '../format';
import { Link } from '../router';
import { fetchImpact, type ImpactDays, type PolicyImpact } from './impact';

const DEBOUNCE_MS = 400;
const WINDOWS: readonly ImpactDays[] = [7, 30, 90];

export interface ImpactPanelProps {
  /** The text to evaluate; null while it has errors (nothing to evaluate). */
  readonly source: string | null;
}

export function ImpactPanel({ source }: ImpactPanelProps) {
  const [days, setDays] = useState<ImpactDays>(30);
  const [impact, setImpact] = useState<PolicyImpact | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    if (source === null) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setBusy(true);
      fetchImpact(source, days, controller.signal).then(
        (result) => {
          setImpact(result);
          setError(null);
          setBusy(false);
        },
        (caught: unknown) => {
          if (controller.signal.aborted) return;
          setError(caught instanceof ApiError ? caught : new ApiError(0, { code: 'client', message: String(caught), field: null }));
          setBusy(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [source, days]);

  return (
    <Card title="What your change would have done" className="impact-panel">
      <div className="segmented" role="group" aria-label="Period">
        {WINDOWS.map((d) => (
          <button key={d} type="button" className={`button small ${d === days ? 'primary' : 'ghost'}`} aria-pressed={d === days} onClick={() => setDays(d)}>{d} days</button>
        ))}
      </div>
      <div aria-live="polite" aria-busy={busy} data-testid="impact">
        {source === null ? <p className="muted">Fix the errors to see what this version would have decided.</p> : null}
        <ErrorNote error={error} needs="POST /api/policies/impact" />
        {impact ? (
          <div className={busy ? 'stale' : undefined}>
            <p>
              <strong data-testid="impact-changed">{formatCount(impact.changed)}</strong> of {formatCount(impact.evaluated)} sealed decisions of the last {impact.window.days} days would change
              {impact.against ? <> against live <strong>{impact.against.version}</strong></> : null}.
              <span className="muted small"> {formatTime(impact.window.since)} – {formatTime(impact.window.until)}</span>
            </p>
            {impact.summary.length > 0 ? (
              <ul className="list" data-testid="impact-summary">{impact.summary.map((line) => <li key={line}>{line}</li>)}</ul>
            ) : null}
            {impact.transitions.length > 0 ? (
              <>
                <h3 className="small-title">Would change</h3>
                <ul className="transitions">
                  {impact.transitions.map((t) => {
                    const key = `${t.from}>${t.to}`;
                    return (
                      <li key={key}>
                        <button type="button" className="linklike" aria-expanded={open === key} onClick={() => setOpen(open === key ? null : key)}>
                          <OutcomeBadge outcome={t.to} /> <span data-testid="transition-text">{t.text}</span>
                        </button>
                        {open === key ? (
                          <>
                            {t.refunds.length < t.count ? <p className="muted small">The newest {formatCount(t.refunds.length)} of {formatCount(t.count)}:</p> : null}
                            <table className="table compact">
                              <thead><tr><th scope="col">Refund</th><th scope="col" className="num">Amount</th><th scope="col">Rule: live → new</th></tr></thead>
                              <tbody>
                                {t.refunds.map((r) => (
                                  <tr key={r.intent_id}>
                                    <td><Link href={`/intents/${r.intent_id}`}>{formatTime(r.received_at)}</Link></td>
                                    <td className="num"><Money minor={r.amount_cents} currency={r.currency} /></td>
                                    <td><code>{r.before_rule ?? 'otherwise'}</code> → <code>{r.after_rule ?? 'otherwise'}</code></td>
                                  </tr>
                                ))}
                              </tbody>
                            </table>
                          </>
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
              </>
            ) : <p className="muted">No decision would change.</p>}
            <h3 className="small-title">Per rule</h3>
            <table className="table compact" data-testid="impact-rules">
              <thead><tr><th scope="col">Rule</th><th scope="col" className="num">Matches</th><th scope="col" className="num">Decides</th></tr></thead>
              <tbody>
                {impact.rules.map((rule) => (
                  <tr key={rule.name}><td><code>{rule.name}</code></td><td className="num">{formatCount(rule.matched)}</td><td className="num">{formatCount(rule.decided)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : source !== null && !error ? <p className="loading">Evaluating against your sealed decisions…</p> : null}
      </div>
    </Card>
  );
}
