import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api';

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  reload(): void;
}

/** GETs `path` (null: nothing yet) and re-GETs on reload(); an older answer never overwrites a newer one. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({ data: null, error: null, loading: path !== null });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api.get<T>(path, controller.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: null, error: error instanceof ApiError ? error : new ApiError(0, { code: 'client', message: String(error), field: null }), loading: false });
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

/** Runs an action, keeping its error for display next to the control that started it. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action(...args);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, { code: 'client', message: String(caught), field: null }));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, [action]);
  return { run, busy, error, clearError: () => setError(null) };
}
