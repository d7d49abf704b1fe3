import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { ApiError } from './api';
import { formatAmounts, formatMoney, OUTCOME_LABELS, STATUS_LABELS } from './format';

export function Money({ minor, currency }: { minor: number; currency: string }) {
  return <span className="money">{formatMoney(minor, currency)}</span>;
}

export function Amounts({ amounts }: { amounts: Readonly<Record<string, number>> | null | undefined }) {
  return <span className="money">{formatAmounts(amounts)}</span>;
}

export function OutcomeBadge({ outcome }: { outcome: string | null | undefined }) {
  if (!outcome) return <span className="badge">—</span>;
  return <span className={`badge outcome-${outcome}`}>{OUTCOME_LABELS[outcome] ?? outcome}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="badge">—</span>;
  return <span className={`badge status-${status}`} data-status={status}>{STATUS_LABELS[status] ?? status}</span>;
}

/** An API error where the action happened; `needs` explains an endpoint this server lacks. */
export function ErrorNote({ error, needs }: { error: ApiError | null; needs?: string }) {
  if (!error) return null;
  if (needs && error.missing) {
    return <div className="note note-info" role="status">This view needs {needs}, which this server does not offer yet.</div>;
  }
  if (error.status === 403 && error.body.code === 'forbidden') {
    return <div className="note note-warn" role="alert">{error.body.message} Ask an admin if you need access.</div>;
  }
  return (
    <div className="note note-error" role="alert">
      {error.body.message}
      {error.body.field ? <span className="note-field"> (field: <code>{error.body.field}</code>)</span> : null}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <p className="loading" aria-live="polite">{label}</p>;
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ''}`}>
      {title || actions ? (
        <header className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** A modal dialog (the native <dialog>: focus trapping and Escape come with it). */
export function Dialog({ open, title, onClose, children }: { open: boolean; title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <h2 id={titleId}>{title}</h2>
      {open ? children : null}
    </dialog>
  );
}

export function KeyValues({ entries }: { entries: ReadonlyArray<readonly [string, ReactNode]> }) {
  return (
    <dl className="kv">
      {entries.map(([key, value]) => (
        <div key={key} className="kv-row">
          <dt>{key}</dt>
          <dd>{value ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
