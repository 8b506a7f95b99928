/**
 * What the public pages (unsubscribe, RSVP) share, independent of how HTTP reaches them: the
 * request they read, the headers every page answers with, reading a posted form, and the HTML
 * frame (language, direction, the common style) around each page's own content.
 */
import { languageEntry } from '../render/languages.js';
import { escapeHtml } from './text.js';

/** A request to a public page; see `readFunctionUrlRequest` for the Lambda side. */
export interface PageRequest {
  method: string;
  query: Record<string, string | undefined>;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body?: Buffer;
  /** Names the request in what it records (a suppression's or an answer's source). */
  requestId: string;
}

export interface PageResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** No form of these pages comes near this; a bigger body is not worth parsing. */
const MAX_BODY_BYTES = 16 * 1024;

const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  // Personal pages: never cached by a browser or a proxy.
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};

/** A page answer with the headers every public page sends. */
export const pageResponse = (
  statusCode: number,
  body: string,
  extra: Record<string, string> = {},
): PageResponse => ({
  statusCode,
  headers: { ...PAGE_HEADERS, ...extra },
  body,
});

/** The methods a page answers; anything else gets 405 with `allow` saying these. */
export function pageMethod(request: Pick<PageRequest, 'method'>): 'GET' | 'HEAD' | 'POST' | undefined {
  const method = request.method.toUpperCase();
  return method === 'GET' || method === 'HEAD' || method === 'POST' ? method : undefined;
}

/** The 405 answer, with the page a bad request gets. */
export const methodNotAllowed = (html: string): PageResponse =>
  pageResponse(405, html, { allow: 'GET, HEAD, POST' });

/**
 * The form in a POST body, multipart or url-encoded, or undefined when there is none or it cannot
 * be read. `otherTypes: 'url-encoded'` reads a body of any other (or no) content type as
 * url-encoded, as RFC 8058 one-click senders need; `'reject'` refuses it.
 */
export async function readForm(
  request: Pick<PageRequest, 'headers' | 'body'>,
  otherTypes: 'url-encoded' | 'reject',
): Promise<{ get(name: string): unknown } | undefined> {
  const body = request.body;
  if (!body || body.length === 0 || body.length > MAX_BODY_BYTES) return undefined;
  const contentType =
    request.headers['content-type'] ??
    (otherTypes === 'url-encoded' ? 'application/x-www-form-urlencoded' : '');
  try {
    if (/^multipart\/form-data/i.test(contentType)) {
      return await new Request('http://local/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }).formData();
    }
    if (otherTypes === 'url-encoded' || /^application\/x-www-form-urlencoded/i.test(contentType)) {
      return new URLSearchParams(body.toString('utf8'));
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Escaped and isolated (`<bdi>`), so a Latin name inside Arabic text keeps its order. */
export const isolate = (text: string) => `<bdi>${escapeHtml(text)}</bdi>`;

/** How a page differs from the others in its frame: the width of its card and its own rules. */
export interface PageStyle {
  readonly width: string;
  readonly css: string;
}

/** A whole page in `lang` (its catalog's code and direction) around `body`. */
export function pageLayout(lang: string, titleHtml: string, body: string, style: PageStyle): string {
  const { code, dir } = languageEntry(lang);
  return `<!doctype html>
<html lang="${escapeHtml(code)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${titleHtml}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;margin:0;padding:2rem 1rem;background:#f5f6f8;color:#1f2328;line-height:1.5}
main{max-width:${style.width};margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 1rem}
${style.css}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A page whose heading is its title, followed by `body`. */
export const headedPage = (lang: string, titleHtml: string, body: string, style: PageStyle): string =>
  pageLayout(lang, titleHtml, `<h1>${titleHtml}</h1>\n${body}`, style);
