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

/**
 * The sign-in page. Password and single sign-on are two views of it, so that each shows one
 * email field and one "Sign in" action: `?sso` (the "Sign in with SSO" link) or a failure the
 * provider sent back selects single sign-on.
 */
export function LoginView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const search = window.location.search;
  const ssoError = ssoErrorOf(search);
  const sso = ssoError !== null || new URLSearchParams(search).has('sso');
  return sso ? <SsoSignIn error={ssoError} /> : <PasswordSignIn onSignedIn={onSignedIn} />;
}

function PasswordSignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
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
        <p className="hint"><a href="/?sso">Sign in with SSO</a> (your organisation's identity provider)</p>
        <p className="hint">No password yet? Ask an admin for an invite link (<code>axiru users invite EMAIL</code>).</p>
      </form>
    </main>
  );
}

function SsoSignIn({ error }: { error: string | null }) {
  const [who, setWho] = useState('');
  return (
    <main className="auth">
      <form className="auth-card" aria-labelledby="sso-title" onSubmit={(event) => { event.preventDefault(); window.location.assign(ssoStartUrl(who)); }}>
        <p className="brand"><span className="logo" aria-hidden="true">◆</span> Axiru</p>
        <h1 id="sso-title">Sign in with SSO</h1>
        <p className="subtitle">You will sign in at your organisation's identity provider.</p>
        <label htmlFor="sso-who">Work email or organisation id</label>
        <input id="sso-who" name="sso-who" type="text" autoComplete="email" required value={who} onChange={(e) => setWho(e.target.value)} />
        {error !== null && <div className="note note-error" role="alert">{error}</div>}
        <button className="button primary" type="submit">Continue</button>
        <p className="hint"><a href="/">Sign in with a password</a></p>
      </form>
    </main>
  );
}
