import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, query, type ApiError } from '../api';
import type { IntentSummary, Page } from '../apiTypes';
import { Empty, ErrorNote, Loading, Money, OutcomeBadge, PageHeader, StatusBadge } from '../components';
import { formatTime, minorDigits, OUTCOME_LABELS, STATUS_LABELS } from '../format';
import { useLedgerEvents, type IntentEvent } from '../live';
import { Link, navigate, useLocation } from '../router';
import { useApi } from '../useApi';

const FILTER_KEYS = ['outcome', 'status', 'source', 'stripe_account', 'customer_id', 'since', 'until', 'min', 'max', 'currency'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

function filtersFrom(search: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** datetime-local (the viewer's zone) -> ISO UTC, which the API wants. */
function toIso(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Amount bounds are typed in major units of the chosen currency (the organisation's default
 * when none is chosen) and sent in minor units, which the API compares within that currency.
 */
function amountQuery(filters: Filters, defaultCurrency: string | undefined) {
  const currency = (filters.currency || (filters.min || filters.max ? defaultCurrency : undefined))?.toLowerCase();
  if (!currency) return {};
  const minor = (major: string | undefined) => (major ? String(Math.round(Number(major) * 10 ** minorDigits(currency))) : undefined);
  return { currency, min_amount_cents: minor(filters.min), max_amount_cents: minor(filters.max) };
}

function eventMatches(event: IntentEvent, filters: Filters, amounts: ReturnType<typeof amountQuery>): boolean {
  if (filters.outcome && event.outcome !== filters.outcome) return false;
  if (filters.status && event.status !== filters.status) return false;
  if (filters.source && event.source !== filters.source) return false;
  if (filters.stripe_account && event.stripe_account !== filters.stripe_account) return false;
  if (filters.customer_id && event.customer_id !== filters.customer_id) return false;
  if (filters.until || filters.since) return false;
  if (amounts.currency && event.currency !== amounts.currency) return false;
  const amount = event.amount_cents ?? 0;
  if (amounts.min_amount_cents !== undefined && amount < Number(amounts.min_amount_cents)) return false;
  if (amounts.max_amount_cents !== undefined && amount > Number(amounts.max_amount_cents)) return false;
  return true;
}

export function LedgerView() {
  const { search } = useLocation();
  const filters = useMemo(() => filtersFrom(search), [search]);
  const [draft, setDraft] = useState<Filters>(filters);
  const [rows, setRows] = useState<IntentSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const org = useApi<{ default_currency: string }>('/api/org');
  const amounts = useMemo(() => amountQuery(filters, org.data?.default_currency), [filters, org.data]);
  const apiQuery = useMemo(() => ({
    outcome: filters.outcome, status: filters.status, source: filters.source, stripe_account: filters.stripe_account,
    customer_id: filters.customer_id, since: toIso(filters.since), until: toIso(filters.until), ...amounts,
  }), [filters, amounts]);

  useEffect(() => setDraft(filters), [filters]);
  useEffect(() => {
    const controller = new AbortController();
    setRows(null);
    setError(null);
    api.get<Page<IntentSummary>>(`/api/intents${query({ ...apiQuery, limit: 50 })}`, controller.signal).then(
      (page) => {
        setRows([...page.data]);
        setCursor(page.next_cursor);
      },
      (caught: unknown) => {
        if (!controller.signal.aborted) setError(caught as ApiError);
      },
    );
    return () => controller.abort();
  }, [apiQuery]);

  const loadMore = async (): Promise<void> => {
    if (!cursor) return;
    try {
      const page = await api.get<Page<IntentSummary>>(`/api/intents${query({ ...apiQuery, limit: 50, cursor })}`);
      setRows((current) => [...(current ?? []), ...page.data]);
      setCursor(page.next_cursor);
    } catch (caught) {
      setError(caught as ApiError);
    }
  };

  const onIntent = useCallback((event: IntentEvent) => {
    setRows((current) => {
      if (!current) return current;
      const index = current.findIndex((row) => row.intent_id === event.intent_id);
      if (index >= 0) {
        const next = [...current];
        const existing = next[index]!;
        next[index] = { ...existing, status: event.status ?? existing.status };
        return next;
      }
      if (event.kind !== 'decision' || !eventMatches(event, filters, amounts) || event.received_at === null) return current;
      const row: IntentSummary = {
        intent_id: event.intent_id, received_at: event.received_at, source: event.source ?? '', outcome: event.outcome ?? '',
        status: event.status ?? '', amount_cents: event.amount_cents ?? 0, currency: event.currency ?? 'usd',
        customer_id: event.customer_id, stripe_account: event.stripe_account, stripe_charge_id: null,
        policy_version: '', matched_rule: event.matched_rule, seq: event.seq,
      };
      return [row, ...current];
    });
    setFresh((current) => new Set(current).add(event.intent_id));
  }, [filters, amounts]);
  const live = useLedgerEvents({ intent: onIntent });

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    navigate(`/ledger${query(draft)}`);
  };
  const field = (key: keyof Filters) => ({
    value: draft[key] ?? '',
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  const shown = rows ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Ledger"
        subtitle="Every refund request and its sealed decision, newest first."
        actions={<span className={`live live-${live}`} role="status" aria-live="polite">{live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}</span>}
      />
      <form className="filters" onSubmit={apply} aria-label="Filters">
        <label>Outcome
          <select {...field('outcome')}>
            <option value="">Any</option>
            {Object.entries(OUTCOME_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        <label>Status
          <select {...field('status')}>
            <option value="">Any</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        <label>Source<input {...field('source')} placeholder="support_tool" /></label>
        <label>Merchant<input {...field('stripe_account')} placeholder="acct_…" /></label>
        <label>Customer<input {...field('customer_id')} placeholder="cus_…" /></label>
        <label>From<input type="datetime-local" {...field('since')} /></label>
        <label>To<input type="datetime-local" {...field('until')} /></label>
        <label>Currency<input {...field('currency')} placeholder={org.data?.default_currency ?? 'usd'} maxLength={3} /></label>
        <label>Min amount<input type="number" min="0" step="any" inputMode="decimal" {...field('min')} /></label>
        <label>Max amount<input type="number" min="0" step="any" inputMode="decimal" {...field('max')} /></label>
        <div className="filter-actions">
          <button type="submit" className="button primary">Apply</button>
          <button type="button" className="button ghost" onClick={() => navigate('/ledger')}>Clear</button>
        </div>
      </form>
      <ErrorNote error={error} />
      {rows === null && !error ? <Loading /> : null}
      {rows !== null && shown.length === 0 ? (
        <Empty title={Object.keys(filters).length > 0 ? 'No refund matches these filters' : 'No refund requests yet'}>
          {Object.keys(filters).length > 0 ? 'Clear a filter to see more.' : <>Requests arrive through <code>POST /api/decision</code> and appear here as they are decided.</>}
        </Empty>
      ) : null}
      {shown.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="ledger-table">
            <thead>
              <tr>
                <th scope="col">Received</th><th scope="col" className="num">Amount</th><th scope="col">Outcome</th>
                <th scope="col">Status</th><th scope="col">Source</th><th scope="col">Rule</th><th scope="col">Customer</th><th scope="col">Merchant</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.intent_id} className={fresh.has(row.intent_id) ? 'fresh' : undefined} data-intent={row.intent_id}>
                  <td><Link href={`/intents/${row.intent_id}`}>{formatTime(row.received_at)}</Link></td>
                  <td className="num"><Money minor={row.amount_cents} currency={row.currency} /></td>
                  <td><OutcomeBadge outcome={row.outcome} /></td>
                  <td><StatusBadge status={row.status} /></td>
                  <td>{row.source}</td>
                  <td>{row.matched_rule ? <code>{row.matched_rule}</code> : <span className="muted">default</span>}</td>
                  <td>{row.customer_id ?? <span className="muted">—</span>}</td>
                  <td>{row.stripe_account ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? <button type="button" className="button ghost load-more" onClick={() => void loadMore()}>Load older</button> : null}
    </div>
  );
}
