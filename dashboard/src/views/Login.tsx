import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorNote } from '../components';
import type { Session } from '../session';
import { useAction } from '../useApi';

export function LoginView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction((body: { email: string; password: string }) => api.post<Session>('/api/session', body));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const session = await signIn.run({ email, password });
    if (session) onSignedIn(session);
  };
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Axiru</p>
        <h1 id="login-title">Sign in</h1>
        <p className="subtitle">Refund decisions, approvals and the audit ledger of your organisation.</p>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorNote error={signIn.error} />
        <button className="button primary" type="submit" disabled={signIn.busy}>{signIn.busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">No password yet? Ask an admin for an invite link (<code>axiru users invite EMAIL</code>).</p>
      </form>
    </main>
  );
}
