import { currentLanguage } from '../i18n/LanguageContext.tsx';

/** An error the API answered with: its stable code and its localised message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; code: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const tokenKey = 'zhulian.token';

/**
 * The session token lives in sessionStorage and travels as a bearer header, never as a
 * cookie: a cross-site page cannot make the browser send it, so no CSRF token is needed
 * (ADR 0010), and closing the tab ends the console's hold on it.
 */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(tokenKey),
  set: (token: string) => {
    sessionStorage.setItem(tokenKey, token);
  },
  clear: () => {
    sessionStorage.removeItem(tokenKey);
  },
};

let onUnauthorised: () => void = () => undefined;

/** Called when any request finds the session gone (idle timeout, signed out elsewhere). */
export function setUnauthorisedHandler(handler: () => void): void {
  onUnauthorised = handler;
}

function headers(body: boolean): Record<string, string> {
  const token = tokenStore.get();
  return {
    'accept-language': currentLanguage() === 'en' ? 'en' : 'zh-CN',
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

async function failure(response: Response): Promise<ApiError> {
  return failureOf(response.status, await response.text(), response.statusText);
}

function failureOf(status: number, text: string, statusText: string): ApiError {
  try {
    const parsed = JSON.parse(text) as {
      error?: { code: string; message: string; details?: ApiError['details'] };
    };
    if (parsed.error)
      return new ApiError(status, parsed.error.code, parsed.error.message, parsed.error.details);
  } catch {
    // not JSON: fall through to a generic error with the status
  }
  return new ApiError(status, 'HTTP_' + String(status), text || statusText);
}

/**
 * Uploads a file as the request body, reporting how much has been sent (fetch cannot): the
 * console shows it while a department's file of hundreds of megabytes goes up.
 */
export function upload<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api${path}`);
    for (const [name, value] of Object.entries(headers(false))) request.setRequestHeader(name, value);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as T);
      else reject(failureOf(request.status, request.responseText, request.statusText));
    };
    request.onerror = () => {
      reject(new ApiError(0, 'NETWORK', request.statusText || 'network error'));
    };
    request.send(file);
  });
}

/** One JSON call to the API; throws ApiError with the server's localised message. */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) {
    const error = await failure(response);
    if (response.status === 401 && error.code === 'AUTH_REQUIRED') onUnauthorised();
    throw error;
  }
  return (await response.json()) as T;
}

/** Downloads a file the API produces (exports), with the session's header. */
export async function download(path: string, fileName: string): Promise<void> {
  const response = await fetch(`/api${path}`, { headers: headers(false) });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

/** Builds a query string from the defined values only. */
export function query(values: Record<string, string | number | boolean | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
