import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './client.ts';

export interface ApiData<T> {
  data: T | undefined;
  loading: boolean;
  error: string | null;
  reload: () => void;
}

/** GETs `path` (re-fetching when it changes); null skips the call. */
export function useApi<T>(path: string | null): ApiData<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    setError(null);
    api<T>('GET', path)
      .then((result) => {
        if (live) setData(result);
      })
      .catch((e: unknown) => {
        if (live) setError(e instanceof ApiError ? e.message : String(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => {
    setTick((n) => n + 1);
  }, []);
  return { data, loading, error, reload };
}

/** The message of whatever was thrown, for an error notice. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
}
