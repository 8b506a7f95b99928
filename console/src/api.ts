/** The organizer API from the browser: JSON in and out, errors as sentences a person can act on. */
import { authHeader } from './auth';
import { t } from './i18n';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: { problems?: { field: string; message: string }[]; total?: number; count?: number },
  ) {
    super(message);
  }
}

let base = '';
export function setApiBase(url: string): void {
  base = url.replace(/\/$/, '');
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(await authHeader()) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure(0, t('unreachable'));
  }
  const data = (await res.json().catch(() => ({}))) as { error?: string; detail?: ApiFailure['detail'] };
  if (!res.ok) {
    const fallback = res.status === 401 ? t('expired') : t('request-failed', { status: res.status });
    throw new ApiFailure(res.status, data.error ?? fallback, data.detail);
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);

/** Query string from defined values. */
export function qs(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter(
    (e): e is [string, string] => e[1] !== undefined && e[1] !== '',
  );
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

export interface Me {
  user: string;
  email?: string;
  groups: string[];
  can: {
    read: boolean;
    readPress: boolean;
    compose: boolean;
    composeKinds: string[];
    contentKinds: string[];
    suppressions: boolean;
  };
}

export interface Counts {
  [state: string]: number;
}

export interface MailingSummary {
  mailingId: string;
  kind: string;
  state: string;
  total: number;
  settled: number;
  counts: Counts;
  requestedBy: string;
  createdAt: string;
  sendAt?: string;
}

export type { Page } from '../../functions/api/http';
/** The API's own answer types (type-only: nothing of functions/ is bundled). */
export type { RenderedView as Rendered } from '../../functions/api/render';
