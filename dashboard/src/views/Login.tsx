import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorNote } from '../components';
import type { Session } from '../session';
import { useAction } from '../useApi';

/** Where "Sign in with SSO" goes: by work email (its domain) or by organisation id. */
export function ssoStartUrl(who: string): string {
  const value = who.trim();
  return `/api/sso/start?${value.includes('@') ? 'email' : 'org'}=${encodeURIComponent(value)}`;
}

/** A single sign-on failure the server sent the browser back with (?sso_error=…). */
function ssoErrorOf(search: string): string | null {
  return new URLSearchParams(search).get('sso_error');
}

export function LoginView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [ssoWho, setSsoWho] = useState('');
  const ssoError = ssoErrorOf(window.location.search);
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
      <form className="auth-card" aria-labelledby="sso-title" onSubmit={(event) => { event.preventDefault(); window.location.assign(ssoStartUrl(ssoWho)); }}>
        <h2 id="sso-title">Single sign-on</h2>
        <label htmlFor="sso-who">Work e-mail or organisation id</label>
        <input id="sso-who" name="sso-who" type="text" autoComplete="email" required value={ssoWho} onChange={(e) => setSsoWho(e.target.value)} />
        {ssoError !== null && <div className="note note-error" role="alert">{ssoError}</div>}
        <button className="button" type="submit">Sign in with SSO</button>
      </form>
    </main>
  );
}
