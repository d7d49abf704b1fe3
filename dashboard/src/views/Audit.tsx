import { useState } from 'react';
import { api } from '../api';
import { Card, ErrorNote, KeyValues, PageHeader } from '../components';
import { formatCount, formatTime } from '../format';
import { isAdmin, useSession } from '../session';
import { useAction, useApi } from '../useApi';

interface VerifyJson {
  readonly ok: boolean;
  readonly records: number;
  readonly first_bad_seq: number | null;
  readonly problem: string | null;
}

interface ExportJson {
  readonly id: string;
  readonly status?: string;
  readonly created_at?: string;
  readonly sink?: { type?: string; name?: string } | string;
  readonly [key: string]: unknown;
}

export function AuditView() {
  const session = useSession();
  const [result, setResult] = useState<{ at: string; verify: VerifyJson } | null>(null);
  const verify = useAction(() => api.get<VerifyJson>('/api/audit/verify'));
  const exports = useApi<{ data: ExportJson[] }>('/api/exports');
  const run = async (): Promise<void> => {
    const found = await verify.run();
    if (found) setResult({ at: new Date().toISOString(), verify: found });
  };
  return (
    <div className="page">
      <PageHeader title="Audit" subtitle="Every decision, approval and control is a record in a hash chain; verification recomputes every hash and link." />
      <Card title="Verify the chain" actions={<button type="button" className="button primary" disabled={verify.busy} onClick={() => void run()}>{verify.busy ? 'Verifying…' : 'Verify now'}</button>}>
        <ErrorNote error={verify.error} />
        {result ? (
          <div role="status" aria-live="polite" data-testid="verify-result">
            {result.verify.ok
              ? <p className="ok big">✓ The chain is intact: {formatCount(result.verify.records)} records verified.</p>
              : <p className="bad big">✗ The chain is broken at record #{result.verify.first_bad_seq}: {result.verify.problem}</p>}
            <KeyValues entries={[['Checked', formatTime(result.at)], ['Records', formatCount(result.verify.records)]]} />
          </div>
        ) : <p className="muted">Not verified in this session yet.</p>}
      </Card>
      <Card title="Audit bundle">
        <p>
          Every record, every signed checkpoint and the signing public keys, as JSON Lines. Anyone holding the bundle
          and the public key can check it offline with <code>axiru audit verify-export</code>, without this server.
        </p>
        {isAdmin(session)
          ? <a className="button" href="/api/audit/export" download data-testid="download-bundle">Download audit bundle</a>
          : <p className="muted">Only admins can download the bundle.</p>}
      </Card>
      <Card title="Exports">
        <ErrorNote error={exports.error} needs="GET /api/exports (audit exports)" />
        {exports.data && exports.data.data.length === 0 ? <p className="muted">No export is configured. Exports send the ledger to JSON Lines files, Splunk, Datadog or S3 (<code>POST /api/exports</code>).</p> : null}
        <ul className="list">
          {(exports.data?.data ?? []).map((e) => <li key={e.id}><code>{e.id}</code> <span className="muted">{typeof e.sink === 'object' && e.sink ? `${e.sink.type ?? ''} ${e.sink.name ?? ''}` : String(e['type'] ?? '')} {e.status ?? ''}</span></li>)}
        </ul>
      </Card>
    </div>
  );
}
