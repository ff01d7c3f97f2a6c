import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { createApiClient } from '../api/api-client.ts';
import { type SwitchyardApi, switchyardApi } from '../api/switchyard-api.ts';
import type { Session } from './session.ts';

interface SessionValue {
  session: Session;
  api: SwitchyardApi;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function SessionProvider({
  session,
  onSignOut,
  children,
}: {
  session: Session;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const value = useMemo(
    () => ({ session, api: switchyardApi(createApiClient(session.token, onSignOut)), signOut: onSignOut }),
    [session, onSignOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
