import { useEffect, useMemo, useState } from 'react';
import { api, query, type ApiError } from '../api';
import type { IntentSummary, NumbersJson, OrgJson, Page } from '../apiTypes';
import { StackedBars, type ChartSeries } from '../Chart';
import { Amounts, Card, Empty, ErrorNote, Loading, PageHeader } from '../components';
import { formatActor, formatCount, formatTime, OUTCOME_LABELS } from '../format';
import { Link } from '../router';
import { useApi } from '../useApi';
import type { ControlsJson } from './Controls';

const PERIODS = [
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, bucket: 3_600_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, bucket: 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, bucket: 86_400_000 },
  { key: '90d', label: 'Last 90 days', ms: 90 * 86_400_000, bucket: 7 * 86_400_000 },
] as const;

export const OUTCOME_COLORS: Record<string, string> = {
  allow: '#2f9e6b', flag: '#d79b1c', pending_approval: '#3b6fd8', block: '#d24a43',
};
const OUTCOMES = ['allow', 'flag', 'pending_approval', 'block'] as const;
/** Enough for the chart and the top rules; the four numbers come from the server's own totals. */
const MAX_PAGES = 10;

function useIntents(since: string, until: string): { rows: IntentSummary[] | null; error: ApiError | null; truncated: boolean } {
  const [state, setState] = useState<{ rows: IntentSummary[] | null; error: ApiError | null; truncated: boolean }>({ rows: null, error: null, truncated: false });
  useEffect(() => {
    const controller = new AbortController();
    setState({ rows: null, error: null, truncated: false });
    (async () => {
      const rows: IntentSummary[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result: Page<IntentSummary> = await api.get<Page<IntentSummary>>(`/api/intents${query({ since, until, limit: 200, cursor })}`, controller.signal);
        rows.push(...result.data);
        cursor = result.next_cursor;
        if (cursor === null) break;
      }
      setState({ rows, error: null, truncated: cursor !== null });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setState({ rows: null, error: error as ApiError, truncated: false });
    });
    return () => controller.abort();
  }, [since, until]);
  return state;
}

function NumberCard({ title, value, hint, tone }: { title: string; value: { count: number; amounts: Readonly<Record<string, number>> } | undefined; hint: string; tone: string }) {
  return (
    <div className={`metric metric-${tone}`}>
      <p className="metric-title">{title}</p>
      <p className="metric-value">{value ? <Amounts amounts={value.amounts} /> : '—'}</p>
      <p className="metric-hint">{value ? `${formatCount(value.count)} refund${value.count === 1 ? '' : 's'} · ` : ''}{hint}</p>
    </div>
  );
}

export function OverviewView() {
  const [periodKey, setPeriodKey] = useState<string>('7d');
  const period = PERIODS.find((p) => p.key === periodKey) ?? PERIODS[1];
  // Rounded to the minute so that re-renders do not refetch.
  const [until] = useState(() => new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString());
  const since = new Date(new Date(until).getTime() - period.ms).toISOString();

  const numbers = useApi<NumbersJson>(`/api/org/numbers${query({ since, until })}`);
  const org = useApi<OrgJson>('/api/org');
  const controls = useApi<ControlsJson>('/api/controls');
  const intents = useIntents(since, until);

  const chart = useMemo(() => {
    if (!intents.rows) return null;
    const start = Math.floor(new Date(since).getTime() / period.bucket) * period.bucket;
    const end = new Date(until).getTime();
    const x: number[] = [];
    for (let t = start; t < end; t += period.bucket) x.push(t / 1000);
    const counts: Record<string, number[]> = Object.fromEntries(OUTCOMES.map((o) => [o, x.map(() => 0)]));
    for (const row of intents.rows) {
      const index = Math.floor((new Date(row.received_at).getTime() - start) / period.bucket);
      const bucket = counts[row.outcome];
      if (bucket && index >= 0 && index < x.length) bucket[index] = (bucket[index] ?? 0) + 1;
    }
    const series: ChartSeries[] = OUTCOMES.map((o) => ({ label: OUTCOME_LABELS[o] ?? o, color: OUTCOME_COLORS[o] ?? '#888', values: counts[o] ?? [] }));
    return { x, series };
  }, [intents.rows, since, until, period.bucket]);

  const topRules = useMemo(() => {
    const tally = new Map<string, { count: number; outcome: string }>();
    for (const row of intents.rows ?? []) {
      if (!row.matched_rule) continue;
      const entry = tally.get(row.matched_rule) ?? { count: 0, outcome: row.outcome };
      entry.count += 1;
      tally.set(row.matched_rule, entry);
    }
    return [...tally.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 8);
  }, [intents.rows]);

  const activeControls = [...(controls.data?.kill_switches ?? []), ...(controls.data?.freezes ?? [])];

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        subtitle={org.data ? <>Live policy {org.data.live_policy_version === null ? 'none' : String(org.data.live_policy_version).replace(/^(\d)/, 'v$1')}{org.data.mode ? <> · mode <strong>{org.data.mode}</strong></> : null}</> : 'Refunds, approvals and controls at a glance'}
        actions={
          <label className="inline-field">
            <span>Period</span>
            <select value={periodKey} onChange={(e) => setPeriodKey(e.target.value)}>
              {PERIODS.map((p) => <option key={p.key} value={p.key}>{p.label}</option>)}
            </select>
          </label>
        }
      />
      <Card title="The four numbers">
        <ErrorNote error={numbers.error} needs="GET /api/org/numbers (the Stripe integration)" />
        {numbers.loading && !numbers.data ? <Loading /> : null}
        {numbers.data ? (
          <div className="metrics" data-testid="numbers">
            <NumberCard title="Refunded" value={numbers.data.refunded} hint="money that went back to customers" tone="neutral" />
            <NumberCard title="Needed approval" value={numbers.data.needed_approval} hint="held for a human decision" tone="info" />
            <NumberCard title="Blocked" value={numbers.data.blocked} hint="stopped by policy or a control" tone="bad" />
            <NumberCard title="Bypassed control" value={numbers.data.bypassed} hint="refunded in Stripe without Axiru" tone="warn" />
          </div>
        ) : null}
      </Card>
      <div className="grid-2">
        <Card title="Decisions over time" className="span-2">
          <ErrorNote error={intents.error} />
          {!intents.rows && !intents.error ? <Loading /> : null}
          {intents.rows && intents.rows.length === 0 ? (
            <Empty title="No decisions in this period">Services ask for decisions with <code>POST /api/decision</code>; they appear here and in the <Link href="/ledger">ledger</Link>.</Empty>
          ) : null}
          {chart && intents.rows && intents.rows.length > 0 ? <StackedBars x={chart.x} series={chart.series} label={`Decisions by outcome, ${period.label.toLowerCase()}`} /> : null}
          {intents.truncated ? <p className="hint">The chart shows the newest {formatCount(intents.rows?.length ?? 0)} decisions of the period.</p> : null}
        </Card>
        <Card title="Top rules">
          {topRules.length === 0 ? <Empty title="No rule decided anything yet" /> : (
            <table className="table compact">
              <thead><tr><th scope="col">Rule</th><th scope="col" className="num">Decisions</th></tr></thead>
              <tbody>
                {topRules.map(([rule, entry]) => (
                  <tr key={rule}><td><code>{rule}</code> <span className={`dot outcome-${entry.outcome}`} aria-hidden="true" /></td><td className="num">{formatCount(entry.count)}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="Active controls" actions={<Link href="/controls" className="button ghost">Manage</Link>}>
          <ErrorNote error={controls.error} />
          {controls.data && activeControls.length === 0 ? <Empty title="No controls in force">Refunds flow under the live policy. Freezes and kill switches appear here.</Empty> : null}
          <ul className="list">
            {activeControls.map((c) => (
              <li key={`${c.kind}:${c.scope}`}>
                <strong>{c.kind === 'kill_switch' ? `Kill switch · ${c.scope}` : `Frozen · ${c.scope}`}</strong>
                <span className="muted"> “{c.reason}” — {formatActor(c.actor)}, {formatTime(c.since)}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
