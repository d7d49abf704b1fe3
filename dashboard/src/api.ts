// The dashboard's only way to the server: same-origin fetch with the session cookie, the CSRF
// token on every state-changing request, and the API's error object kept intact so each view
// can show it where the action happened.

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody) {
    super(body.message);
  }

  /** The endpoint does not exist on this server (yet): the view shows what it needs instead. */
  get missing(): boolean {
    return this.status === 404 && /^There is no [A-Z]+ \S+ endpoint\.$/.test(this.body.message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session ended, so the app can show the sign-in page. */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly form?: FormData;
  readonly signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal ?? null });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { code: 'network', message: 'The server could not be reached. Check your connection and try again.', field: null });
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: ApiErrorBody } | null)?.error
      ?? { code: `http_${response.status}`, message: `The server answered ${response.status} ${response.statusText}.`, field: null };
    if (response.status === 401 && path !== '/api/session') onSignedOut?.();
    throw new ApiError(response.status, error);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, signal ? { signal } : {}),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body === undefined ? {} : { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body === undefined ? {} : { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { form }),
};

/** `?a=1&b=2` from the defined, non-empty entries. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
