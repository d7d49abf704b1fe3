import { useCallback, useState } from 'react';
import { api } from '../api';
import type { ApprovalRequest, PolicyDetail } from '../apiTypes';
import { Card, Empty, ErrorNote, KeyValues, Loading, Money, PageHeader } from '../components';
import { formatRelative, formatTime } from '../format';
import { useLedgerEvents } from '../live';
import { actingRole } from '../roles';
import { Link } from '../router';
import { useSession, type Session } from '../session';
import { useAction, useApi } from '../useApi';
import { useLivePolicy } from '../useLivePolicy';

export interface ApprovalContext {
  readonly intent_id: string;
  readonly requested_by: string | null;
  readonly approver_roles: readonly string[];
  readonly approvals: ReadonlyArray<{ user_id: string; verdict: string; time: string }>;
}

/** Why the signed-in user cannot act on this request, or null when they can. */
export function cannotAct(request: ApprovalContext, session: Session, policy: PolicyDetail | null): string | null {
  const me = session.user;
  if (request.requested_by === me.id) return 'You requested this refund, so someone else has to approve or deny it.';
  const mine = request.approvals.find((a) => a.user_id === me.id);
  if (mine) return `You already ${mine.verdict === 'approve' ? 'approved' : 'denied'} this request (${formatTime(mine.time)}).`;
  if (policy && actingRole(me.roles, request.approver_roles, policy.ir.roles) === null) {
    return `Your roles (${me.roles.filter((r) => r !== 'admin').join(', ') || 'none'}) cannot approve a request that requires ${request.approver_roles.join(' or ')}.`;
  }
  return null;
}

/** Approve / Deny with a comment; the server enforces every rule and its refusal is shown here. */
export function DecidePanel({ request, onDone }: { request: ApprovalContext; onDone: () => void }) {
  const session = useSession();
  const policy = useLivePolicy();
  const [comment, setComment] = useState('');
  const act = useAction((verdict: 'approve' | 'deny') =>
    api.post<{ status: string }>(`/api/intents/${request.intent_id}/${verdict}`, comment.trim() === '' ? {} : { comment: comment.trim() }));
  const blocked = cannotAct(request, session, policy);
  const run = async (verdict: 'approve' | 'deny'): Promise<void> => {
    const result = await act.run(verdict);
    if (result) {
      setComment('');
      onDone();
    }
  };
  const commentId = `comment-${request.intent_id}`;
  return (
    <div className="decide">
      {blocked ? <div className="note note-warn" role="note">{blocked}</div> : null}
      <label htmlFor={commentId}>Comment <span className="muted">(optional, kept in the ledger)</span></label>
      <textarea id={commentId} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} disabled={act.busy} />
      <ErrorNote error={act.error} />
      <div className="button-row">
        <button type="button" className="button primary" disabled={act.busy || blocked !== null} onClick={() => void run('approve')}>Approve</button>
        <button type="button" className="button danger" disabled={act.busy || blocked !== null} onClick={() => void run('deny')}>Deny</button>
      </div>
    </div>
  );
}

function RequestCard({ request, onDone, names }: { request: ApprovalRequest; onDone: () => void; names: ReadonlyMap<string, string> }) {
  const approvals = request.approvals.filter((a) => a.verdict === 'approve').length;
  return (
    <Card
      className="approval"
      title={<><Money minor={request.amount_cents} currency={request.currency} /> <span className="muted">to {request.customer_id ?? 'an unknown customer'}</span></>}
      actions={<Link href={`/intents/${request.intent_id}`}>Full record</Link>}
    >
      <p className="reason">{request.reason}</p>
      <div className="grid-2 tight">
        <KeyValues entries={[
          ['Rule', request.matched_rule ? <code>{request.matched_rule}</code> : 'default'],
          ['Needs', `${request.approvals_required} approval${request.approvals_required === 1 ? '' : 's'} from ${request.approver_roles.join(' or ')} (${approvals} so far)`],
          ['Requested by', request.requested_by ? (names.get(request.requested_by) ?? request.requested_by) : 'not given'],
          ['Source', request.source],
          ['Received', formatTime(request.received_at)],
          ['Expires', request.expires_at ? `${formatTime(request.expires_at)} (${formatRelative(request.expires_at)})` : 'never'],
        ]} />
        <div>
          <h3 className="small-title">The refund that would execute</h3>
          <KeyValues entries={[
            ['Amount', <Money key="m" minor={request.refund.amount_cents} currency={request.refund.currency} />],
            ['Charge', request.refund.stripe_charge_id ?? '—'],
            ['Merchant account', request.refund.stripe_account ?? 'platform'],
          ]} />
          {Object.keys(request.facts ?? {}).length > 0 ? (
            <>
              <h3 className="small-title">Facts the policy saw</h3>
              <KeyValues entries={Object.entries(request.facts).map(([k, v]) => [k, String(v)] as const)} />
            </>
          ) : null}
        </div>
      </div>
      <DecidePanel request={request} onDone={onDone} />
    </Card>
  );
}

export function ApprovalsView() {
  const session = useSession();
  const policy = useLivePolicy();
  const queue = useApi<{ data: ApprovalRequest[] }>('/api/approvals');
  const users = useApi<{ data: Array<{ id: string; name: string }> }>('/api/users');
  const names = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
  const [showAll, setShowAll] = useState(false);
  const { reload } = queue;
  useLedgerEvents({ intent: useCallback(() => reload(), [reload]) });

  const all = queue.data?.data ?? [];
  const mine = all.filter((r) => cannotAct(r, session, policy) === null);
  const others = all.filter((r) => cannotAct(r, session, policy) !== null);
  const shown = showAll ? all : mine;

  return (
    <div className="page">
      <PageHeader
        title="Approvals"
        subtitle="Refunds waiting for a decision that your roles can make."
        actions={
          <label className="inline-check">
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show requests I cannot act on ({others.length})
          </label>
        }
      />
      <ErrorNote error={queue.error} />
      {queue.loading && !queue.data ? <Loading /> : null}
      {queue.data && shown.length === 0 ? (
        <Empty title={all.length === 0 ? 'Nothing waits for approval' : 'Nothing waits for your roles'}>
          {all.length === 0 ? 'Refunds that a rule sends to a person appear here as they arrive.' : `${others.length} request${others.length === 1 ? '' : 's'} need other roles or another person; tick “Show requests I cannot act on” to see why.`}
        </Empty>
      ) : null}
      <div className="stack">
        {shown.map((request) => <RequestCard key={request.intent_id} request={request} onDone={reload} names={names} />)}
      </div>
    </div>
  );
}
