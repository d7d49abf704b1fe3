import { createContext, useContext } from 'react';

export interface Session {
  readonly user: { readonly id: string; readonly email: string; readonly name: string; readonly roles: readonly string[] };
  readonly org: { readonly id: string; readonly name: string };
  readonly csrf_token: string;
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
