import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorNote } from '../components';
import type { Session } from '../session';
import { useAction } from '../useApi';

/** /invite#<token>: the token stays in the fragment, which browsers never send to a server. */
export function InviteView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const token = window.location.hash.slice(1);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const accept = useAction((body: { token: string; password: string }) => api.post<Session>('/api/invites/accept', body));
  const mismatch = repeat !== '' && repeat !== password;
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (mismatch) return;
    const session = await accept.run({ token, password });
    if (session) onSignedIn(session);
  };
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(event) => void submit(event)} aria-labelledby="invite-title">
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Axiru</p>
        <h1 id="invite-title">Set your password</h1>
        {token === '' ? <div className="note note-error" role="alert">This link has no invite token. Open the full link you were sent.</div> : null}
        <p className="subtitle">At least 12 characters. The link works once and for 7 days.</p>
        <label htmlFor="new-password">New password</label>
        <input id="new-password" type="password" autoComplete="new-password" minLength={12} required value={password} onChange={(e) => setPassword(e.target.value)} />
        <label htmlFor="repeat-password">Repeat it</label>
        <input id="repeat-password" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-invalid={mismatch} />
        {mismatch ? <div className="note note-warn" role="alert">The two passwords differ.</div> : null}
        <ErrorNote error={accept.error} />
        <button className="button primary" type="submit" disabled={accept.busy || token === ''}>Set password and sign in</button>
      </form>
    </main>
  );
}
