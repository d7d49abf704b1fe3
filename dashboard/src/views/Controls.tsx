import { useCallback, useState, type FormEvent } from 'react';
import { api } from '../api';
import { Card, Dialog, Empty, ErrorNote, Loading, PageHeader } from '../components';
import { formatActor, formatTime } from '../format';
import { useLedgerEvents } from '../live';
import { isAdmin, useSession } from '../session';
import { useAction, useApi } from '../useApi';
import { useLivePolicy } from '../useLivePolicy';

export interface ControlJson {
  readonly kind: string;
  readonly scope: string;
  readonly reason: string;
  readonly actor: string;
  readonly seq: number;
  readonly since: string;
}

export interface ControlsJson {
  readonly freezes: readonly ControlJson[];
  readonly kill_switches: readonly ControlJson[];
}

/** A rule of the live policy that blocks a source by itself on a velocity fact, with its level now. */
export interface BreakerJson {
  readonly rule: string;
  readonly reason: string;
  readonly source: string;
  readonly threshold: number;
  readonly level: number;
  readonly tripped: boolean;
  /** "$4,200 of $5,000 in the last hour" */
  readonly text: string;
}

/** The automatic breakers: no switch to flip, the policy trips them; this shows how close each is. */
function Breakers({ breakers }: { breakers: readonly BreakerJson[] }) {
  return (
    <Card title="Automatic breakers" className={breakers.some((b) => b.tripped) ? 'danger-card' : ''}>
      {breakers.length === 0 ? (
        <Empty title="No automatic breaker">
          A rule such as <code>block refunds from ai_agent when source refunded in last 1 hour over $5,000</code> stops a source by itself.
        </Empty>
      ) : null}
      <ul className="list" aria-label="Automatic breakers">
        {breakers.map((b) => (
          <li key={`${b.rule} ${b.source}`} className="control-item" data-rule={b.rule} data-source={b.source}>
            <div>
              <strong>{b.rule}</strong> · refunds from <span className="mono">{b.source}</span>{' '}
              {b.tripped ? <span className="badge status-blocked">Tripped</span> : <span className="badge status-allowed">Armed</span>}
              <p>{b.text}</p>
              <meter min={0} max={Math.max(b.threshold, 1)} value={Math.min(b.level, Math.max(b.threshold, 1))} aria-label={`${b.rule} level`} />
              <p className="muted">“{b.reason}”</p>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function scopeLabel(scope: string): string {
  return scope === 'org' ? 'Every refund (organisation-wide)' : `Refunds from ${scope.slice('source:'.length)}`;
}

function Who({ control, names }: { control: ControlJson; names: ReadonlyMap<string, string> }) {
  return <span className="muted">Set by {formatActor(control.actor, names)} on {formatTime(control.since)} · record #{control.seq}</span>;
}

export function ControlsView() {
  const session = useSession();
  const admin = isAdmin(session);
  const controls = useApi<ControlsJson>('/api/controls');
  const breakers = useApi<{ breakers: readonly BreakerJson[] }>('/api/controls/breakers');
  const reloadBreakers = breakers.reload;
  const users = useApi<{ data: Array<{ id: string; name: string }> }>(admin ? '/api/users' : null);
  const names = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
  const policy = useLivePolicy();
  const { reload } = controls;
  useLedgerEvents({
    record: useCallback(() => reload(), [reload]),
    // Every decision moves a breaker's level.
    intent: useCallback(() => reloadBreakers(), [reloadBreakers]),
  });

  const [killScope, setKillScope] = useState('org');
  const [killReason, setKillReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [account, setAccount] = useState('');
  const [freezeReason, setFreezeReason] = useState('');

  const killOn = useAction(() => api.post('/api/controls/kill-switch', { scope: killScope, reason: killReason.trim() }));
  const killOff = useAction((scope: string) => api.del(`/api/controls/kill-switch/${encodeURIComponent(scope)}`));
  const freeze = useAction(() => api.post('/api/controls/freezes', { stripe_account: account.trim(), reason: freezeReason.trim() }));
  const unfreeze = useAction((stripeAccount: string) => api.del(`/api/controls/freezes/${encodeURIComponent(stripeAccount)}`));

  const confirmKill = async (): Promise<void> => {
    if (await killOn.run() !== undefined) {
      setConfirming(false);
      setKillReason('');
      reload();
    }
  };
  const submitFreeze = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await freeze.run() !== undefined) {
      setAccount('');
      setFreezeReason('');
      reload();
    }
  };

  const switches = controls.data?.kill_switches ?? [];
  const freezes = controls.data?.freezes ?? [];
  const sources = policy?.ir.sources ?? [];

  return (
    <div className="page">
      <PageHeader title="Controls" subtitle="Stop refunds at intake: a kill switch for everything or one source, a freeze for one merchant account. Each takes effect on the next request and is sealed in the ledger." />
      <ErrorNote error={controls.error} />
      {controls.loading && !controls.data ? <Loading /> : null}
      <ErrorNote error={breakers.error} />
      {breakers.data ? <Breakers breakers={breakers.data.breakers} /> : null}
      <div className="grid-2">
        <Card title="Kill switch" className={switches.length > 0 ? 'danger-card' : ''}>
          {switches.length === 0 ? <p className="ok">Off — refunds flow under the live policy.</p> : null}
          <ul className="list" aria-label="Kill switches on">
            {switches.map((s) => (
              <li key={s.scope} className="control-item">
                <div>
                  <strong>{scopeLabel(s.scope)}</strong> <span className="badge status-blocked">On</span>
                  <p>“{s.reason}”</p>
                  <Who control={s} names={names} />
                </div>
                {admin ? <button type="button" className="button" disabled={killOff.busy} onClick={() => void killOff.run(s.scope).then((r) => { if (r !== undefined) reload(); })}>Turn off</button> : null}
              </li>
            ))}
          </ul>
          <ErrorNote error={killOff.error} />
          {admin ? (
            <form onSubmit={(e) => { e.preventDefault(); killOn.clearError(); setConfirming(true); }} className="form">
              <label htmlFor="kill-scope">Scope</label>
              <select id="kill-scope" value={killScope} onChange={(e) => setKillScope(e.target.value)}>
                <option value="org">Every refund (organisation-wide)</option>
                {sources.map((source) => <option key={source} value={`source:${source}`}>Only refunds from {source}</option>)}
              </select>
              <label htmlFor="kill-reason">Reason</label>
              <input id="kill-reason" required maxLength={500} value={killReason} onChange={(e) => setKillReason(e.target.value)} placeholder="e.g. refund bot misbehaving, incident 42" />
              <button type="submit" className="button danger" disabled={killReason.trim() === ''}>Turn kill switch on…</button>
            </form>
          ) : <p className="muted">Only admins can change controls.</p>}
        </Card>
        <Card title="Frozen merchants">
          {freezes.length === 0 ? <Empty title="No merchant is frozen" /> : null}
          <ul className="list" aria-label="Frozen merchants">
            {freezes.map((f) => (
              <li key={f.scope} className="control-item">
                <div>
                  <strong className="mono">{f.scope}</strong> <span className="badge status-held">Frozen</span>
                  <p>“{f.reason}”</p>
                  <Who control={f} names={names} />
                </div>
                {admin ? <button type="button" className="button" disabled={unfreeze.busy} onClick={() => void unfreeze.run(f.scope).then((r) => { if (r !== undefined) reload(); })}>Unfreeze</button> : null}
              </li>
            ))}
          </ul>
          <ErrorNote error={unfreeze.error} />
          {admin ? (
            <form onSubmit={(e) => void submitFreeze(e)} className="form">
              <label htmlFor="freeze-account">Stripe account</label>
              <input id="freeze-account" required value={account} onChange={(e) => setAccount(e.target.value)} placeholder="acct_…" />
              <label htmlFor="freeze-reason">Reason</label>
              <input id="freeze-reason" required maxLength={500} value={freezeReason} onChange={(e) => setFreezeReason(e.target.value)} />
              <ErrorNote error={freeze.error} />
              <button type="submit" className="button" disabled={freeze.busy}>Freeze merchant</button>
            </form>
          ) : null}
        </Card>
      </div>
      <Dialog open={confirming} title="Turn the kill switch on?" onClose={() => setConfirming(false)}>
        <p><strong>{scopeLabel(killScope)}</strong> will be blocked at intake, and pending approvals in scope cannot be approved, until someone turns it off.</p>
        <p>Reason recorded in the ledger: “{killReason.trim()}”</p>
        <ErrorNote error={killOn.error} />
        <div className="button-row">
          <button type="button" className="button danger" disabled={killOn.busy} onClick={() => void confirmKill()}>Yes, stop these refunds</button>
          <button type="button" className="button ghost" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      </Dialog>
    </div>
  );
}
