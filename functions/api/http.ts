/**
 * The HTTP shapes of the organizer API, independent of where it runs: API Gateway (functions/api.ts)
 * and the local console server (local/console.ts) both turn their request into an {@link ApiRequest}
 * and send back the {@link ApiResponse}. The caller's identity always comes from the verified token
 * (or the local sign-in), never from the body.
 */

/** The groups of the Cognito user pool (and the local single user, who is an organizer). */
export const GROUPS = ['organizers', 'press-office', 'viewers'] as const;
export type Group = (typeof GROUPS)[number];

/** Who is calling: the name recorded as `requestedBy`, the address a test send goes to, the groups. */
export interface Identity {
  user: string;
  email?: string;
  groups: Group[];
}

export interface ApiRequest {
  method: string;
  /** Path below the API root, e.g. `/api/mailings/x`. */
  path: string;
  query: Record<string, string | undefined>;
  /** Parsed JSON body (undefined for none). */
  body: unknown;
  /** Undefined: no identity or one that failed verification (→ 401). */
  identity: Identity | undefined;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** A refusal a person can act on: the status and a sentence saying what to do. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Machine-readable detail, e.g. the field each problem is in. */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, detail?: Record<string, unknown>) =>
  new ApiError(400, message, detail);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, detail?: Record<string, unknown>) =>
  new ApiError(409, message, detail);

/** Groups from a JWT claim: Cognito puts `cognito:groups` as an array (or, via API Gateway, "[a b]"). */
export function groupsOf(claim: unknown): Group[] {
  let raw: unknown[] = [];
  if (Array.isArray(claim)) raw = claim;
  else if (typeof claim === 'string') raw = claim.replace(/^\[|\]$/g, '').split(/[\s,]+/);
  return raw.filter((g): g is Group => (GROUPS as readonly string[]).includes(String(g)));
}

/** A body field as an object, refusing anything else. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw badRequest('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** A page of a list: the items and the cursor of the next page, if any. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** The page size from `?limit=` (1–200, default 50). */
export function limitOf(query: ApiRequest['query'], fallback = 50): number {
  const raw = query.limit;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw badRequest('limit must be a whole number from 1 to 200.');
  return n;
}

/** Cursors are opaque to the client: base64url JSON of a DynamoDB key or an offset. */
export function encodeCursor(value: unknown): string | undefined {
  return value === undefined ? undefined : Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(raw: string | undefined): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
  } catch {
    throw badRequest('cursor is not one this API handed out; start again from the first page.');
  }
}

/** A page out of a list read whole (small lists: mailings, suppressions, rejections). */
export function pageOf<T>(all: T[], query: ApiRequest['query']): Page<T> {
  const limit = limitOf(query);
  const offset = decodeCursor<number>(query.cursor) ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('cursor is not valid; start again.');
  const items = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? encodeCursor(offset + limit) : undefined;
  return next ? { items, next } : { items };
}
