import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorisedHandler, tokenStore } from '../api/client.ts';
import type { Area, Principal } from '../api/types.ts';

interface SessionState {
  /** undefined while the stored token is being checked; null when signed out. */
  principal: Principal | null | undefined;
  /** The area the console is looking at: the user's own, or one below it they switched to. */
  area: Area | null;
  setArea: (area: Area) => void;
  signIn: (username: string, password: string, totpCode?: string) => Promise<void>;
  signOut: () => Promise<void>;
  reload: () => Promise<void>;
  /** Set when the server ended the session (idle timeout, signed out elsewhere). */
  expired: boolean;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [area, setArea] = useState<Area | null>(null);
  const [expired, setExpired] = useState(false);

  const adopt = useCallback(async (next: Principal) => {
    setPrincipal(next);
    setExpired(false);
    try {
      setArea(await api<Area>('GET', `/areas/${next.areaCode}`));
    } catch {
      setArea(null);
    }
  }, []);

  const reload = useCallback(async () => {
    if (!tokenStore.get()) {
      setPrincipal(null);
      return;
    }
    try {
      await adopt(await api<Principal>('GET', '/auth/me'));
    } catch {
      tokenStore.clear();
      setPrincipal(null);
    }
  }, [adopt]);

  useEffect(() => {
    setUnauthorisedHandler(() => {
      tokenStore.clear();
      setExpired(true);
      setPrincipal(null);
    });
    void reload();
  }, [reload]);

  const signIn = useCallback(
    async (username: string, password: string, totpCode?: string) => {
      const result = await api<{ token: string; user: Principal }>('POST', '/auth/login', {
        username,
        password,
        ...(totpCode ? { totpCode } : {}),
      });
      tokenStore.set(result.token);
      await adopt(result.user);
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/auth/logout', {});
    } finally {
      tokenStore.clear();
      setPrincipal(null);
      setArea(null);
    }
  }, []);

  const value = useMemo<SessionState>(
    () => ({
      principal,
      area,
      setArea,
      signIn,
      signOut,
      reload,
      expired,
      can: (permission: string) => principal?.permissions.includes(permission) ?? false,
    }),
    [principal, area, signIn, signOut, reload, expired],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
