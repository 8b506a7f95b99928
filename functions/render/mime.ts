/**
 * The raw MIME message handed to SES SendRawEmail, composed with nodemailer's MailComposer:
 *
 *   multipart/mixed
 *   ├─ multipart/alternative
 *   │  ├─ text/plain; charset=utf-8
 *   │  └─ text/html; charset=utf-8
 *   └─ text/calendar; method=PUBLISH|CANCEL   (zero, one or two .ics files)
 *
 * (without calendars the root is the multipart/alternative itself). The .ics files are attachments
 * rather than a third alternative (nodemailer's `icalEvent`): a client that understands
 * text/calendar may show the *last* alternative it supports, which would replace the mail's HTML
 * with a bare event card.
 *
 * Every header value that can contain user data goes through {@link singleLine} (CR, LF and other
 * controls become spaces) before nodemailer sees it; nodemailer then RFC 2047-encodes non-ASCII
 * subjects and display names and folds long lines. Display names and the subject also go through
 * {@link headerPhrase}, so text that merely looks like an encoded-word is sent as text.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { isPlainEmail, RenderError, singleLine } from './format.js';
import type { CalendarFile } from './ical.js';
import { isBulkKind, type MailKind } from './kinds.js';
import type { RenderedMail } from './types.js';

/** An address with an optional display name (untrusted: names come from registrations). */
export interface Mailbox {
  readonly address: string;
  readonly name?: string | undefined;
}

/** Where a bulk mail's recipient can unsubscribe (RFC 2369 / RFC 8058). */
export interface Unsubscribe {
  /** The one-click endpoint: https, or http on a loopback host for the local stack. */
  readonly url: string;
  /** Optional mailto fallback address for clients that do not POST. */
  readonly mailto?: string | undefined;
}

/** Everything needed to compose one message. */
export interface ComposeOptions {
  readonly kind: MailKind;
  readonly from: Mailbox;
  readonly to: Mailbox;
  readonly replyTo?: Mailbox | undefined;
  readonly mailingId: string;
  readonly deliveryId: string;
  readonly rendered: Pick<RenderedMail, 'subject' | 'html' | 'text'> & { readonly language?: string };
  /** Required for bulk kinds, ignored for transactional ones. */
  readonly unsubscribe?: Unsubscribe | undefined;
  readonly calendars?: readonly CalendarFile[] | undefined;
  /** Date header; defaults to now. */
  readonly date?: Date | undefined;
  /** Domain of the Message-ID; defaults to the From address's domain. */
  readonly messageIdDomain?: string | undefined;
}

/**
 * Untrusted text for a display name or the subject. An RFC 2047 encoded-word is plain ASCII
 * (`=?utf-8?q?Jane=0D=0ABcc:…?=`), so stripping CR/LF leaves it whole, nodemailer would pass it
 * through, and a mail client would decode it into a line break and a spoofed header. A WORD
 * JOINER (U+2060, invisible) after each `=` that opens one leaves no encoded-word in the text, and
 * the non-ASCII character makes nodemailer encode the whole phrase as one encoded-word of its
 * own: decoded, the reader sees the text as it was given.
 */
export function headerPhrase(text: string): string {
  return singleLine(text).replace(/=\?/g, '=\u2060?');
}

function address(mailbox: Mailbox, what: string): { name: string; address: string } {
  const trimmed = mailbox.address.trim();
  if (!isPlainEmail(trimmed)) throw new RenderError(`${what} address is not a plain e-mail address`);
  return { name: mailbox.name === undefined ? '' : headerPhrase(mailbox.name), address: trimmed };
}

// msg-id atoms: keep letters, digits, '-', '_'; escape the rest so distinct ids stay distinct.
function msgIdAtom(id: string): string {
  return singleLine(id).replace(/[^A-Za-z0-9_-]/g, (c) => `=${c.codePointAt(0)?.toString(16)}`);
}

/**
 * The Message-ID of a delivery: deterministic, on the sender's domain. Deterministic on purpose:
 * if an organizer resends an `uncertain` delivery that did in fact arrive, mail clients that
 * deduplicate by Message-ID show it once.
 */
export function messageIdFor(mailingId: string, deliveryId: string, domain: string): string {
  const host = domain.trim().toLowerCase();
  if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(host))
    throw new RenderError(`Message-ID domain ${JSON.stringify(domain)} is not a domain name`);
  return `<${msgIdAtom(mailingId)}.${msgIdAtom(deliveryId)}@${host}>`;
}

function unsubscribeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new RenderError('List-Unsubscribe URL is not a URL');
  }
  const loopback =
    parsed.hostname === '127.0.0.1' || parsed.hostname === 'localhost' || parsed.hostname === '[::1]';
  // RFC 8058 requires HTTPS; plain http is allowed only for the local stack's endpoint.
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new RenderError('List-Unsubscribe URL must be https');
  }
  // URL.href percent-encodes spaces, '<', '>' and controls, so the value cannot break the header.
  return parsed.href;
}

/** The `List-Unsubscribe` value: `<https://…>` and, optionally, `<mailto:…>`. */
export function listUnsubscribeValue(unsubscribe: Unsubscribe): string {
  const parts = [`<${unsubscribeUrl(unsubscribe.url)}>`];
  if (unsubscribe.mailto !== undefined) {
    const mailto = unsubscribe.mailto.trim();
    if (!isPlainEmail(mailto)) throw new RenderError('List-Unsubscribe mailto is not a plain e-mail address');
    parts.push(`<mailto:${mailto}?subject=unsubscribe>`);
  }
  return parts.join(', ');
}

/**
 * SES message tags for the mailing and delivery ids (SendRawEmail `Tags`), so SES events can be
 * matched without parsing headers. SES allows only letters, digits, `_` and `-` (max 256).
 */
export function sesTags(
  kind: MailKind,
  mailingId: string,
  deliveryId: string,
): { Name: string; Value: string }[] {
  const clean = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
  return [
    { Name: 'kind', Value: clean(kind) },
    { Name: 'mailing', Value: clean(mailingId) },
    { Name: 'delivery', Value: clean(deliveryId) },
  ];
}

/**
 * Quoted-printable keeps mostly-ASCII text readable and small; for Cyrillic or Arabic it triples
 * every byte, so base64 is smaller. Deciding once here (from the short text part) also spares
 * nodemailer from rescanning each body to decide, which was most of the cost of composing.
 */
function transferEncoding(sample: string): 'quoted-printable' | 'base64' {
  let nonAscii = 0;
  for (let i = 0; i < sample.length; i++) if (sample.charCodeAt(i) > 0x7e) nonAscii++;
  return nonAscii * 10 > sample.length ? 'base64' : 'quoted-printable';
}

/**
 * Composes the raw message. Throws {@link RenderError} for a bulk kind without a valid unsubscribe
 * URL and for addresses that are not plain e-mail addresses.
 */
export async function composeMime(options: ComposeOptions): Promise<Buffer> {
  const from = address(options.from, 'From');
  const to = address(options.to, 'To');
  const replyTo = options.replyTo === undefined ? undefined : address(options.replyTo, 'Reply-To');
  const domain = options.messageIdDomain ?? from.address.slice(from.address.lastIndexOf('@') + 1);
  const headers: Record<string, string> = {
    'X-Communique-Mailing-Id': headerPhrase(options.mailingId),
    'X-Communique-Delivery-Id': singleLine(options.deliveryId),
    // Tells auto-responders (out-of-office) not to answer a machine.
    'Auto-Submitted': 'auto-generated',
  };
  if (options.rendered.language !== undefined && /^[a-z]{2,3}$/.test(options.rendered.language)) {
    headers['Content-Language'] = options.rendered.language;
  }
  if (isBulkKind(options.kind)) {
    if (options.unsubscribe === undefined)
      throw new RenderError(`${options.kind} is bulk mail and needs List-Unsubscribe`);
    headers['List-Unsubscribe'] = listUnsubscribeValue(options.unsubscribe);
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const encoding = transferEncoding(options.rendered.text);
  const composer = new MailComposer({
    from,
    to,
    ...(replyTo === undefined ? {} : { replyTo }),
    subject: headerPhrase(options.rendered.subject),
    messageId: messageIdFor(options.mailingId, options.deliveryId, domain),
    date: options.date ?? new Date(),
    text: { content: options.rendered.text, contentTransferEncoding: encoding },
    html: { content: options.rendered.html, contentTransferEncoding: encoding },
    headers,
    attachments: (options.calendars ?? []).map((calendar) => ({
      filename: calendar.filename,
      content: calendar.content,
      contentType: `text/calendar; charset=utf-8; method=${calendar.method}`,
      contentDisposition: 'attachment',
    })),
    // Content is always given inline; never let a value be read as a file path or fetched URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    newline: 'windows',
    // nodemailer writes "-ID"; keep the spelling the rest of the pipeline documents.
    normalizeHeaderKey: (key: string) => key.replace(/^(X-Communique-(?:Mailing|Delivery))-ID$/, '$1-Id'),
  });
  return composer.compile().build();
}
