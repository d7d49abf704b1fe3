import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import type { DecisionJson, IntentDetail, LedgerEvent } from '../apiTypes';
import { Card, Dialog, ErrorNote, KeyValues, Loading, Money, OutcomeBadge, PageHeader, StatusBadge } from '../components';
import { formatActor, formatTime } from '../format';
import { canVerifyInBrowser, verifyInclusion, type IntentProof } from '../inclusionProof';
import { useLedgerEvents, type IntentEvent } from '../live';
import { Link } from '../router';
import { isAdmin, useSession } from '../session';
import { useAction, useApi } from '../useApi';
import { DecidePanel } from './Approvals';

const EVENT_TITLES: Record<string, string> = {
  decision: 'Decided', approval: 'Approved', denial: 'Denied', expiry: 'Expired', control: 'Control',
  execution: 'Executed', observation: 'Seen in Stripe', policy: 'Policy',
};

function describeEvent(event: LedgerEvent): string {
  const body = event.body;
  const parts: string[] = [];
  if (typeof body['action'] === 'string') parts.push(String(body['action']));
  if (typeof body['role'] === 'string') parts.push(`as ${String(body['role'])}`);
  if (typeof body['comment'] === 'string' && body['comment'] !== '') parts.push(`“${String(body['comment'])}”`);
  if (typeof body['reason'] === 'string' && body['reason'] !== '') parts.push(`reason: “${String(body['reason'])}”`);
  if (typeof body['stripe_refund_id'] === 'string') parts.push(`Stripe refund ${String(body['stripe_refund_id'])}`);
  if (typeof body['status'] === 'string') parts.push(`→ ${String(body['status'])}`);
  return parts.join(' · ');
}

function DecisionColumn({ title, decision }: { title: string; decision: DecisionJson | undefined }) {
  if (!decision) return null;
  return (
    <div className="decision-column">
      <h3 className="small-title">{title} <span className="muted">{decision.policy_version}</span></h3>
      <p><OutcomeBadge outcome={decision.outcome} /></p>
      <p className="reason">{decision.reason}</p>
      <KeyValues entries={[
        ['Deciding rule', decision.matched_rule ? <code>{decision.matched_rule}</code> : 'default'],
        ['Matched rules', (decision.matched_rules ?? []).length > 0 ? (decision.matched_rules ?? []).map((r) => <code key={r} className="chip">{r}</code>) : 'none'],
        ['Approvers', decision.approver_roles?.length ? `${decision.approvals_required ?? 1} × ${decision.approver_roles.join(' or ')}` : '—'],
        ['Missing fields', (decision.missing_fields ?? []).length > 0 ? (decision.missing_fields ?? []).join(', ') : 'none'],
      ]} />
    </div>
  );
}

function HoldControls({ intent, onDone }: { intent: IntentDetail; onDone: () => void }) {
  const [open, setOpen] = useState<'hold' | 'release' | null>(null);
  const [reason, setReason] = useState('');
  const act = useAction((action: 'hold' | 'release') => api.post(`/api/intents/${intent.intent_id}/${action}`, reason.trim() === '' ? {} : { reason: reason.trim() }));
  const canHold = ['allowed', 'pending_approval', 'approved'].includes(intent.status);
  const submit = async (): Promise<void> => {
    if (!open) return;
    if (await act.run(open) !== undefined) {
      setOpen(null);
      setReason('');
      onDone();
    }
  };
  return (
    <>
      {canHold ? <button type="button" className="button" onClick={() => setOpen('hold')}>Hold refund</button> : null}
      {intent.status === 'held' ? <button type="button" className="button" onClick={() => setOpen('release')}>Release hold</button> : null}
      <Dialog open={open !== null} title={open === 'hold' ? 'Hold this refund' : 'Release the hold'} onClose={() => setOpen(null)}>
        <p>{open === 'hold' ? 'A held refund cannot be approved or executed until it is released. The decision stays in the ledger.' : 'The refund goes back to the status it had before the hold.'}</p>
        <label htmlFor="hold-reason">Reason</label>
        <input id="hold-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        <ErrorNote error={act.error} />
        <div className="button-row">
          <button type="button" className="button primary" disabled={act.busy} onClick={() => void submit()}>{open === 'hold' ? 'Hold' : 'Release'}</button>
          <button type="button" className="button ghost" onClick={() => setOpen(null)}>Cancel</button>
        </div>
      </Dialog>
    </>
  );
}

type Inclusion =
  | { readonly state: 'checking' }
  | { readonly state: 'verified'; readonly size: number; readonly time: string; readonly key: string }
  | { readonly state: 'pending' }
  | { readonly state: 'failed' }
  | { readonly state: 'unavailable'; readonly why: string };

/** Whether the decision record is in the latest signed checkpoint, checked here in the browser. */
function useInclusion(id: string, seq: number | undefined, hash: string | undefined): [Inclusion, () => void] {
  const proof = useApi<IntentProof>(`/api/intents/${encodeURIComponent(id)}/proof`);
  const [inclusion, setInclusion] = useState<Inclusion>({ state: 'checking' });
  useEffect(() => {
    if (proof.error) {
      setInclusion({ state: 'unavailable', why: proof.error.body.message });
      return;
    }
    if (!proof.data || seq === undefined || hash === undefined) return;
    const record = proof.data.records.find((r) => r.seq === seq);
    const checkpoint = proof.data.checkpoint;
    if (!record || !checkpoint || !record.covered || !record.audit_path) {
      setInclusion({ state: 'pending' });
      return;
    }
    if (!canVerifyInBrowser()) {
      setInclusion({ state: 'unavailable', why: 'this browser checks proofs only over HTTPS or on a loopback address' });
      return;
    }
    let current = true;
    verifyInclusion(hash, record.leaf_index, checkpoint.tree_size, record.audit_path, checkpoint.root).then(
      (ok) => {
        if (current) setInclusion(ok ? { state: 'verified', size: checkpoint.tree_size, time: checkpoint.time, key: checkpoint.key_id } : { state: 'failed' });
      },
      () => { if (current) setInclusion({ state: 'failed' }); },
    );
    return () => { current = false; };
  }, [proof.data, proof.error, seq, hash]);
  return [inclusion, proof.reload];
}

function InclusionNote({ inclusion }: { inclusion: Inclusion }) {
  switch (inclusion.state) {
    case 'checking':
      return <span>checking…</span>;
    case 'verified':
      return <span className="ok" data-testid="inclusion">✓ in signed checkpoint of {inclusion.size} records ({formatTime(inclusion.time)}, key <code>{inclusion.key}</code>), proof checked in this browser</span>;
    case 'pending':
      return <span className="muted" data-testid="inclusion">not in a signed checkpoint yet (one is signed every 1,000 records or 60 seconds)</span>;
    case 'failed':
      return <span className="bad" data-testid="inclusion">✗ the inclusion proof does not lead to the checkpoint's root</span>;
    case 'unavailable':
      return <span className="muted">{inclusion.why}</span>;
  }
}

export function IntentView({ id }: { id: string }) {
  const session = useSession();
  const intent = useApi<IntentDetail>(`/api/intents/${encodeURIComponent(id)}`);
  const users = useApi<{ data: Array<{ id: string; name: string }> }>(isAdmin(session) ? '/api/users' : null);
  const names = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
  const { reload } = intent;
  const [inclusion, checkInclusionAgain] = useInclusion(id, intent.data?.record.seq, intent.data?.record.hash);
  useLedgerEvents({ intent: useCallback((event: IntentEvent) => { if (event.intent_id === id) reload(); }, [id, reload]) });

  if (intent.error) {
    return (
      <div className="page">
        <PageHeader title="Refund request" />
        <ErrorNote error={intent.error} />
        <p><Link href="/ledger">Back to the ledger</Link></p>
      </div>
    );
  }
  if (!intent.data) return <div className="page"><Loading /></div>;
  const data = intent.data;
  const request = data.request;
  const amount = typeof request['amount_cents'] === 'number' ? request['amount_cents'] : 0;
  const currency = typeof request['currency'] === 'string' ? request['currency'] : 'usd';
  const shadows = data.decision.shadow ?? [];
  const approvals = data.events.filter((e) => e.kind === 'approval' || e.kind === 'denial').map((e) => ({
    user_id: String(e.actor).replace(/^user:/, ''), verdict: e.kind === 'approval' ? 'approve' : 'deny', time: e.time,
  }));

  return (
    <div className="page">
      <PageHeader
        title="Refund request"
        subtitle={<><Money minor={amount} currency={currency} /> · <StatusBadge status={data.status} /> · <span className="mono">{data.intent_id}</span></>}
        actions={isAdmin(session) ? <HoldControls intent={data} onDone={reload} /> : null}
      />
      {data.status === 'pending_approval' ? (
        <Card title="Waiting for approval">
          <DecidePanel
            request={{ intent_id: data.intent_id, requested_by: data.requested_by, approver_roles: data.decision.approver_roles ?? [], approvals }}
            onDone={reload}
          />
        </Card>
      ) : null}
      <Card title={shadows.length > 0 ? 'Decision — live and shadow' : 'Decision'}>
        {data.decision.control ? (
          <div className="note note-warn">Blocked by a control: {data.decision.control.kind.replace('_', ' ')} on <code>{data.decision.control.scope}</code> — “{data.decision.control.reason}” ({formatActor(data.decision.control.actor, names)}, {formatTime(data.decision.control.since)}).</div>
        ) : null}
        {data.decision.enforced === false ? <div className="note note-info">Observe mode: this decision was recorded but not enforced{data.decision.would_be ? ` (it would have been ${data.decision.would_be.outcome})` : ''}.</div> : null}
        <div className={`decision-grid cols-${Math.min(shadows.length + 1, 3)}`}>
          <DecisionColumn title="Live" decision={data.decision.would_be ?? data.decision} />
          {shadows.map((shadow) => <DecisionColumn key={shadow.policy_version} title="Shadow" decision={shadow} />)}
        </div>
      </Card>
      <div className="grid-2">
        <Card title="Request">
          <KeyValues entries={Object.entries(request).map(([k, v]) => [k, typeof v === 'object' ? <code key={k}>{JSON.stringify(v)}</code> : String(v)] as const)} />
          <KeyValues entries={[['Requested by', data.requested_by ? (names.get(data.requested_by) ?? data.requested_by) : 'not given'], ['Received', formatTime(data.received_at)]]} />
        </Card>
        <Card title="Computed facts">
          {Object.keys(data.facts ?? {}).length === 0 ? <p className="muted">The live policy asked for no computed facts.</p>
            : <KeyValues entries={Object.entries(data.facts).map(([k, v]) => [k, String(v)] as const)} />}
        </Card>
      </div>
      <Card title="Event trail">
        <ol className="trail">
          <li>
            <span className="trail-kind">{EVENT_TITLES['decision']}</span> <OutcomeBadge outcome={data.decision.outcome} />
            <span className="muted"> {formatTime(data.record.time)} · {formatActor(data.record.actor, names)} · #{data.record.seq}</span>
          </li>
          {data.events.map((event) => (
            <li key={event.seq}>
              <span className="trail-kind">{EVENT_TITLES[event.kind] ?? event.kind}</span> {describeEvent(event)}
              <span className="muted"> {formatTime(event.time)} · {formatActor(event.actor, names)} · #{event.seq}</span>
            </li>
          ))}
        </ol>
      </Card>
      <Card title="Chain">
        <KeyValues entries={[
          ['Policy', `${data.policy.name} ${data.policy.version}`],
          ['IR hash', <code key="ir" className="hash">{data.policy.ir_hash}</code>],
          ['Record', `#${data.record.seq}`],
          ['Record hash', <code key="h" className="hash">{data.record.hash}</code>],
          ['Previous hash', <code key="p" className="hash">{data.record.prev_hash}</code>],
          ['Signed checkpoint', <span key="i">
            <InclusionNote inclusion={inclusion} />{' '}
            {inclusion.state === 'pending' ? <button type="button" className="button ghost small" onClick={checkInclusionAgain}>Check again</button> : null}
          </span>],
          ['Whole chain', isAdmin(session)
            ? <Link key="v" href="/audit">verify every record on the Audit page</Link>
            : 'verified by admins on the Audit page'],
        ]} />
      </Card>
    </div>
  );
}
