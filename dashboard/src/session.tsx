import { createContext, useContext } from 'react';

export interface Session {
  readonly user: { readonly id: string; readonly email: string; readonly name: string; readonly roles: readonly string[] };
  readonly org: { readonly id: string; readonly name: string };
  /** How the user signed in. */
  readonly method?: 'password' | 'sso';
  readonly csrf_token: string;
  /** Something the user should know, e.g. that they hold no role and can approve nothing. */
  readonly notice?: string | null;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function isAdmin(session: Session): boolean {
  return session.user.roles.includes('admin');
}
