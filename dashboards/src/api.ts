// The one way the dashboards talk to the service: JSON over fetch with the session's bearer
// token, one refresh on a 401, and errors carried as ApiError with the service's stable code.
import { session, saveTokens, clearSession } from './session';
import type { ErrorBody, Tokens } from './api-types';

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field?: string,
    public details?: unknown,
  ) {
    super(message);
  }
}

type Options = { body?: unknown; form?: FormData; query?: Record<string, unknown>; signal?: AbortSignal; onUpload?: (share: number) => void };

let refreshing: Promise<boolean> | null = null;

async function refreshTokens(): Promise<boolean> {
  const token = session.value?.refresh_token;
  if (!token) return false;
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch('/api/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: token }),
        });
        if (!res.ok) return false;
        saveTokens((await res.json()) as Tokens);
        return true;
      } catch {
        return false;
      } finally {
        setTimeout(() => (refreshing = null), 0);
      }
    })();
  }
  return refreshing;
}

function url(path: string, query?: Record<string, unknown>): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// The service's error answer (ErrorBody) as an ApiError; anything else by its HTTP status.
function errorOf(status: number, statusText: string, body: unknown): ApiError {
  const e: Partial<ErrorBody['error']> = (body as Partial<ErrorBody> | null)?.error ?? {};
  return new ApiError(status, e.code ?? `HTTP_${status}`, e.message ?? statusText, e.field ?? undefined, e.details ?? undefined);
}

async function toError(res: Response): Promise<ApiError> {
  try {
    return errorOf(res.status, res.statusText, await res.json());
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  }
}

/** A list the service put in `error.details` under `key` (the problems of an upload, the failed
 * grounds of a readiness check), or null when the error has none. */
export function detailList<T>(e: unknown, key: string): T[] | null {
  if (!(e instanceof ApiError) || typeof e.details !== 'object' || e.details === null) return null;
  const list: unknown = (e.details as Record<string, unknown>)[key];
  return Array.isArray(list) ? (list as T[]) : null;
}

export let onSignedOut: () => void = () => {};
export function setSignedOutHandler(f: () => void) {
  onSignedOut = f;
}

async function send(method: string, path: string, opts: Options, retry = true): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = session.value?.access_token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', String(e));
  }
  if (res.status === 401 && retry && token && !path.startsWith('/api/auth/login')) {
    if (await refreshTokens()) return send(method, path, opts, false);
    clearSession();
    onSignedOut();
  }
  return res;
}

// T is the answer's schema (an alias of api-types.ts); without it the answer is `unknown`.
export async function api<T>(method: string, path: string, opts: Options = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? res.json() : res.text()) as Promise<T>;
}

export const get = <T>(path: string, query?: Record<string, unknown>) => api<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, { body: body ?? {} });
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, { body });

/** Multipart upload with upload progress (XHR: fetch cannot report it). */
export function upload<T>(path: string, file: File, query: Record<string, unknown>, onProgress: (share: number) => void): Promise<T> {
  const attempt = (retry: boolean): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url(path, query));
      const token = session.value?.access_token;
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'network error'));
      xhr.onload = async () => {
        if (xhr.status === 401 && retry && (await refreshTokens())) return resolve(attempt(false));
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          /* not JSON */
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
        else reject(errorOf(xhr.status, xhr.statusText, body));
      };
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  return attempt(true);
}

/** Fetches with the token and hands the bytes to the browser as a download. */
export async function download(path: string, query: Record<string, unknown>, filename: string): Promise<void> {
  const res = await send('GET', path, { query });
  if (!res.ok) throw await toError(res);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** Fetches an HTML page with the token and opens it in a new tab (the printable report). */
export async function openHtml(path: string, query: Record<string, unknown>): Promise<void> {
  const win = window.open('', '_blank');
  const res = await send('GET', path, { query });
  if (!res.ok) {
    win?.close();
    throw await toError(res);
  }
  const blob = new Blob([await res.text()], { type: 'text/html' });
  const href = URL.createObjectURL(blob);
  if (win) win.location.href = href;
  else window.location.href = href;
}

/** The paths the service documents (to light up features the running binary has). */
let paths: Promise<Set<string>> | null = null;
export function documentedPaths(): Promise<Set<string>> {
  if (!paths)
    paths = fetch('/api/openapi.json')
      .then((r): Promise<{ paths?: Record<string, unknown> }> => (r.ok ? r.json() : Promise.resolve({ paths: {} })))
      .then((doc) => new Set(Object.keys(doc.paths ?? {})))
      .catch(() => new Set<string>());
  return paths;
}
