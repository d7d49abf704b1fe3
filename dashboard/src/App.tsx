import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, whenSignedOut } from './api';
import { Loading } from './components';
import { Link, navigate, useLocation } from './router';
import { SessionContext, type Session } from './session';
import { useApi } from './useApi';
import { formatActor } from './format';
import { useLedgerEvents } from './live';
import { ApprovalsView } from './views/Approvals';
import { AuditView } from './views/Audit';
import { ControlsView, type ControlsJson } from './views/Controls';
import { ListsView } from './views/Lists';
import { IntentView } from './views/Intent';
import { InviteView } from './views/Invite';
import { LedgerView } from './views/Ledger';
import { LoginView } from './views/Login';
import { OverviewView } from './views/Overview';
import { PoliciesView } from './views/Policies';
import { ReplayView } from './views/Replay';

const NAV: ReadonlyArray<{ href: string; label: string; match: (path: string) => boolean }> = [
  { href: '/', label: 'Overview', match: (path) => path === '/' },
  { href: '/ledger', label: 'Ledger', match: (path) => path.startsWith('/ledger') || path.startsWith('/intents/') },
  { href: '/approvals', label: 'Approvals', match: (path) => path.startsWith('/approvals') },
  { href: '/controls', label: 'Controls', match: (path) => path.startsWith('/controls') },
  { href: '/lists', label: 'Lists', match: (path) => path.startsWith('/lists') },
  { href: '/policies', label: 'Policies', match: (path) => path.startsWith('/policies') },
  { href: '/replay', label: 'Replay', match: (path) => path.startsWith('/replay') },
  { href: '/audit', label: 'Audit', match: (path) => path.startsWith('/audit') },
];

function Page({ path }: { path: string }) {
  const intent = /^\/intents\/([^/]+)$/.exec(path);
  if (intent?.[1]) return <IntentView id={decodeURIComponent(intent[1])} />;
  const policy = /^\/policies\/(v\d+)$/.exec(path);
  if (policy?.[1]) return <PoliciesView version={policy[1]} />;
  const replay = /^\/replay\/([^/]+)$/.exec(path);
  if (replay?.[1]) return <ReplayView id={decodeURIComponent(replay[1])} />;
  switch (path) {
    case '/': return <OverviewView />;
    case '/ledger': return <LedgerView />;
    case '/approvals': return <ApprovalsView />;
    case '/controls': return <ControlsView />;
    case '/lists': return <ListsView />;
    case '/policies': return <PoliciesView />;
    case '/replay': return <ReplayView />;
    case '/audit': return <AuditView />;
    default:
      return (
        <div className="page">
          <h1>Page not found</h1>
          <p>There is no page at <code>{path}</code>. <Link href="/">Go to the overview</Link>.</p>
        </div>
      );
  }
}

/** A banner on every page while a kill switch is on: nobody should miss it. */
function KillSwitchBanner() {
  const controls = useApi<ControlsJson>('/api/controls');
  const { path } = useLocation();
  const { reload } = controls;
  useEffect(() => reload(), [path, reload]);
  // Control changes are org-level records: refresh when one is sealed, whoever made it.
  useLedgerEvents({ record: useCallback((event: { kind: string }) => { if (event.kind === 'control') reload(); }, [reload]) });
  const switches = controls.data?.kill_switches ?? [];
  if (switches.length === 0) return null;
  return (
    <div className="banner" role="status">
      <strong>Kill switch on:</strong>{' '}
      {switches.map((s) => `${s.scope === 'org' ? 'every refund' : `refunds from ${s.scope.slice('source:'.length)}`} (“${s.reason}”, ${formatActor(s.actor)})`).join('; ')}.{' '}
      <Link href="/controls">Controls</Link>
    </div>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main">Skip to content</a>
      <div className="shell">
        <header className="topbar">
          <Link href="/" className="brand" aria-label="Axiru overview"><span className="logo" aria-hidden="true">◆</span> Axiru</Link>
          <span className="org">{session.org.name}</span>
          <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>Menu</button>
          <div className="who">
            <span title={session.user.email}>{session.user.name}</span>
            <span className="roles">{session.user.roles.join(', ')}</span>
            {session.method === 'sso' && <span className="roles" title="signed in with single sign-on">SSO</span>}
            <button type="button" className="button ghost" onClick={onSignOut}>Sign out</button>
          </div>
        </header>
        <nav id="nav" className={`nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={item.match(path) ? 'page' : undefined}>{item.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          {session.notice ? <div className="note note-warn" role="status">{session.notice}</div> : null}
          <KillSwitchBanner />
          <Page path={path} />
        </main>
      </div>
    </SessionContext.Provider>
  );
}

export function App() {
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const signedIn = useCallback((next: Session) => {
    setCsrfToken(next.csrf_token);
    setSession(next);
    if (path === '/login' || path === '/invite') navigate('/', true);
  }, [path]);

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setSession(null);
    });
    api.get<Session>('/api/session').then(
      (found) => {
        setCsrfToken(found.csrf_token);
        setSession(found);
      },
      // Not signed in (401), or the server is unreachable: either way the sign-in page, which
      // shows the server's answer when signing in fails.
      () => setSession(null),
    );
  }, []);

  const signOut = useCallback(() => {
    api.del('/api/session').finally(() => {
      setCsrfToken(null);
      setSession(null);
      navigate('/', true);
    });
  }, []);

  if (path === '/invite') return <InviteView onSignedIn={signedIn} />;
  if (session === undefined) return <Loading label="Loading Axiru…" />;
  if (session === null) return <LoginView onSignedIn={signedIn} />;
  return <Shell session={session} onSignOut={signOut} />;
}
