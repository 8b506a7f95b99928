import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_RECIPIENT,
  SAMPLE_CONFERENCE,
  SAMPLE_SESSIONS,
  type Sample,
  sampleRecipient,
  samplesFor,
} from '../../../demo/samples.js';
import { buildCalendars } from '../../../functions/render/ical.js';
import {
  type ComposeOptions,
  composeMime,
  listUnsubscribeValue,
  messageIdFor,
  sesTags,
} from '../../../functions/render/mime.js';
import { renderApi } from './built.js';

const { render, MAIL_KINDS, isBulkKind, RenderError } = renderApi;
const DATE = new Date('2022-10-01T08:00:00Z');

function sample(kind: string, language: string): Sample {
  return samplesFor(sampleRecipient(language)).find((s) => s.kind === kind) as Sample;
}

async function compose(kind: string, language: string, overrides: Partial<ComposeOptions> = {}) {
  const s = sample(kind, language);
  const rendered = render(s.kind, language, s.data as never);
  const raw = await composeMime({
    kind: s.kind,
    from: { address: 'no-reply@conference.example.org', name: 'Конференция · المؤتمر' },
    to: {
      address: s.data.recipient.email,
      name: `${s.data.recipient.givenName} ${s.data.recipient.familyName}`,
    },
    replyTo: { address: 'info@conference.example.org' },
    mailingId: 'mailing-42',
    deliveryId: 'delivery-7',
    rendered,
    unsubscribe: {
      url: 'https://unsubscribe.example.org/u/v1.token',
      mailto: 'unsubscribe@conference.example.org',
    },
    date: DATE,
    ...overrides,
  });
  return { raw, rendered, parsed: await simpleParser(raw) };
}

/** The header block of a raw message, unfolded, as [name, value] pairs in order. */
function rawHeaders(raw: Buffer): [string, string][] {
  const head = raw.toString('latin1').split('\r\n\r\n')[0] as string;
  return head
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string];
    });
}

interface MimePart {
  readonly type: string;
  readonly params: Record<string, string>;
  readonly encoding: string | undefined;
  readonly children: MimePart[];
}

/**
 * A small MIME structure parser for assertions on the tree (mailparser flattens it): headers are
 * unfolded, the Content-Type parsed, multipart bodies split on their boundary and parsed again.
 */
function mimeTree(source: string): MimePart {
  const split = source.indexOf('\r\n\r\n');
  const head = (split < 0 ? source : source.slice(0, split)).replace(/\r\n[ \t]+/g, ' ');
  const body = split < 0 ? '' : source.slice(split + 4);
  const header = (name: string) =>
    head
      .split('\r\n')
      .find((line) => line.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  const [type = 'text/plain', ...rest] = (header('content-type') ?? 'text/plain')
    .split(';')
    .map((p) => p.trim());
  const params = Object.fromEntries(
    rest.map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).toLowerCase(), p.slice(eq + 1).replace(/^"|"$/g, '')];
    }),
  );
  const children: MimePart[] = [];
  if (type.startsWith('multipart/') && params.boundary !== undefined) {
    const parts = body.split(`--${params.boundary}`);
    // parts[0] is the preamble; the last one starts with "--" (the closing delimiter).
    for (const part of parts.slice(1)) {
      if (part.startsWith('--')) break;
      children.push(mimeTree(part.replace(/^\r\n/, '')));
    }
  }
  return { type: type.toLowerCase(), params, encoding: header('content-transfer-encoding'), children };
}

describe('composeMime', () => {
  it.each(['en', 'ru', 'ar'])('builds multipart/alternative text + html (%s)', async (language) => {
    const { raw, rendered, parsed } = await compose('invitation', language);
    const tree = mimeTree(raw.toString('latin1'));

    expect(tree.type).toBe('multipart/alternative');
    expect(tree.children.map((c) => [c.type, c.params.charset])).toEqual([
      ['text/plain', 'utf-8'],
      ['text/html', 'utf-8'],
    ]);
    expect(parsed.text?.trim()).toBe(rendered.text.trim());
    expect(parsed.html).toBe(rendered.html);
    expect(parsed.subject).toBe(rendered.subject);
    // 7-bit clean on the wire: every part is transfer-encoded, every line short.
    expect(raw.every((byte) => byte < 0x80)).toBe(true);
    expect(
      Math.max(
        ...raw
          .toString('latin1')
          .split('\r\n')
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(998);
    for (const part of tree.children) expect(['quoted-printable', 'base64']).toContain(part.encoding);
  });

  it('RFC 2047-encodes non-ASCII subjects and display names', async () => {
    const { raw, rendered, parsed } = await compose('confirmation', 'ar');
    const headers = new Map(rawHeaders(raw).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers.get('subject')).toMatch(/^=\?UTF-8\?[BQ]\?/);
    expect(parsed.subject).toBe(rendered.subject);
    expect(headers.get('from')).toMatch(/=\?UTF-8\?[BQ]\?.*<no-reply@conference\.example\.org>$/);
    expect(parsed.from?.value[0]).toEqual({
      name: 'Конференция · المؤتمر',
      address: 'no-reply@conference.example.org',
    });
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.name : undefined).toBe(
      'فاطمة الكعبي',
    );
  });

  it('attaches calendars as text/calendar parts beside the alternative', async () => {
    const calendars = buildCalendars({
      domain: 'conference.example.org',
      conference: SAMPLE_CONFERENCE,
      language: 'ru',
      agendaVersion: 3,
      sessions: [SAMPLE_SESSIONS[0]!, { ...SAMPLE_SESSIONS[1]!, status: 'cancelled' }],
      stamp: DATE,
    });
    const { raw, parsed } = await compose('confirmation', 'ru', { calendars });
    const tree = mimeTree(raw.toString('latin1'));
    expect(tree.type).toBe('multipart/mixed');
    expect(tree.children.map((c) => [c.type, c.params.method])).toEqual([
      ['multipart/alternative', undefined],
      ['text/calendar', 'PUBLISH'],
      ['text/calendar', 'CANCEL'],
    ]);
    expect(tree.children[0]?.children.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(parsed.attachments.map((a) => [a.contentType, a.filename])).toEqual([
      ['text/calendar', 'calendar.ics'],
      ['text/calendar', 'cancelled.ics'],
    ]);
    expect(parsed.attachments[0]?.content.toString('utf8')).toBe(calendars[0]?.content);
    expect(parsed.attachments[1]?.content.toString('utf8')).toBe(calendars[1]?.content);
  });

  it.each(MAIL_KINDS)('List-Unsubscribe only on bulk kinds (%s)', async (kind) => {
    const { raw } = await compose(kind, 'en');
    const headers = rawHeaders(raw);
    const names = headers.map(([k]) => k.toLowerCase());
    if (isBulkKind(kind)) {
      expect(headers).toContainEqual(['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']);
      const line = headers.find(([k]) => k.toLowerCase() === 'list-unsubscribe')?.[1];
      expect(line).toBe(
        '<https://unsubscribe.example.org/u/v1.token>, <mailto:unsubscribe@conference.example.org?subject=unsubscribe>',
      );
    } else {
      expect(names).not.toContain('list-unsubscribe');
      expect(names).not.toContain('list-unsubscribe-post');
    }
  });

  it('refuses a bulk kind without an unsubscribe URL, or with a non-https one', async () => {
    await expect(compose('announcement', 'en', { unsubscribe: undefined })).rejects.toThrow(RenderError);
    await expect(
      compose('announcement', 'en', { unsubscribe: { url: 'http://unsubscribe.example.org/u/x' } }),
    ).rejects.toThrow(RenderError);
    await expect(
      compose('announcement', 'en', { unsubscribe: { url: 'javascript:alert(1)' } }),
    ).rejects.toThrow(RenderError);
    // The local stack's endpoint is plain http on loopback.
    expect(listUnsubscribeValue({ url: 'http://127.0.0.1:8010/u/x' })).toBe('<http://127.0.0.1:8010/u/x>');
    // A URL cannot close the angle brackets early.
    expect(listUnsubscribeValue({ url: 'https://example.org/u/a>b <c' })).toBe(
      '<https://example.org/u/a%3Eb%20%3Cc>',
    );
  });

  it('carries Message-ID on the sender domain and the mailing/delivery ids', async () => {
    const { raw, parsed } = await compose('reminder', 'en');
    expect(parsed.messageId).toBe('<mailing-42.delivery-7@conference.example.org>');
    const headers = rawHeaders(raw);
    expect(headers).toContainEqual(['X-Communique-Mailing-Id', 'mailing-42']);
    expect(headers).toContainEqual(['X-Communique-Delivery-Id', 'delivery-7']);
    expect(parsed.date?.toISOString()).toBe(DATE.toISOString());
    expect(messageIdFor('a b', 'c@d', 'Example.ORG')).toBe('<a=20b.c=40d@example.org>');
    expect(sesTags('reminder', 'm:1', 'd 2')).toEqual([
      { Name: 'kind', Value: 'reminder' },
      { Name: 'mailing', Value: 'm_1' },
      { Name: 'delivery', Value: 'd_2' },
    ]);
  });

  it('never lets CR/LF from user data start a header', async () => {
    const s = samplesFor(HOSTILE_RECIPIENT).find((x) => x.kind === 'announcement') as Sample<'announcement'>;
    const data = { ...s.data, subject: { en: 'Hello\r\nBcc: victim@example.net\r\n\r\n<b>body</b>' } };
    const rendered = render('announcement', 'en', data);
    const raw = await composeMime({
      kind: 'announcement',
      from: { address: 'no-reply@conference.example.org', name: 'Org\r\nBcc: victim@example.net' },
      to: {
        address: 'hostile@example.net',
        name: `${HOSTILE_RECIPIENT.givenName}\n${HOSTILE_RECIPIENT.familyName}`,
      },
      mailingId: 'm\r\nX-Injected: 1',
      deliveryId: 'd\n1',
      rendered,
      unsubscribe: { url: 'https://unsubscribe.example.org/u/x' },
      date: DATE,
    });
    const names = rawHeaders(raw).map(([k]) => k.toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Hello Bcc: victim@example.net <b>body</b>');
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.get('x-communique-mailing-id')).toBe('m X-Injected: 1');
  });

  it('rejects addresses that are not plain e-mail addresses', async () => {
    await expect(
      compose('confirmation', 'en', { to: { address: 'a@example.org>, b@example.net' } }),
    ).rejects.toThrow(RenderError);
    await expect(
      compose('confirmation', 'en', { to: { address: 'a@example.org\r\nBcc: b@example.net' } }),
    ).rejects.toThrow(RenderError);
  });
});
