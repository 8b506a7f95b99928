import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../../functions/render/mime.js';

/**
 * RFC 2047 encoded-words in untrusted header text: `=?utf-8?q?…=0D=0A…?=` is plain ASCII, so
 * stripping CR/LF does not touch it, and a mail client that decodes it shows a spoofed header
 * line. Names and subjects must reach the reader as the text they were, whatever it looks like.
 */
const ENCODED_WORD = /=\?[^?\s]+\?[bq]\?[^?\s]*\?=/i;

async function composeWith(name: string, subject: string, mailingId = 'confirmation-x') {
  const raw = await composeMime({
    kind: 'confirmation',
    from: { address: 'conference@mail.example.org', name },
    to: { address: 'jane@example.org', name: `Jane ${name} Doe` },
    replyTo: { address: 'info@mail.example.org', name },
    mailingId,
    deliveryId: 'd1',
    rendered: { subject, html: '<p>Hello</p>', text: 'Hello' },
    date: new Date('2022-10-01T08:00:00Z'),
    messageIdDomain: 'mail.example.org',
  });
  return { raw, parsed: await simpleParser(raw) };
}

const EXPECTED_HEADERS = [
  'auto-submitted',
  'content-type',
  'date',
  'from',
  'message-id',
  'mime-version',
  'reply-to',
  'subject',
  'to',
  'x-communique-delivery-id',
  'x-communique-mailing-id',
];

function qEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

async function expectHarmless(name: string, subject: string) {
  const { parsed } = await composeWith(name, subject);
  expect(parsed.headerLines.map((h) => h.key).sort()).toEqual(EXPECTED_HEADERS);
  expect(parsed.bcc).toBeUndefined();
  expect(parsed.cc).toBeUndefined();
  const decoded = [
    parsed.subject ?? '',
    ...[parsed.from, parsed.replyTo]
      .flatMap((a) => (a && !Array.isArray(a) ? a.value : []))
      .map((v) => v.name),
    ...(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((v) => v.name) : []),
  ];
  expect(decoded).toHaveLength(4);
  for (const text of decoded) {
    expect(text).not.toMatch(/[\r\n]/);
    // Decoded once, nothing is left that a second decoder would turn into a header.
    expect(text).not.toMatch(ENCODED_WORD);
  }
  expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((v) => v.address) : []).toEqual([
    'jane@example.org',
  ]);
  return parsed;
}

describe('RFC 2047 encoded-words in untrusted header text', () => {
  it('a hostile display name or subject cannot produce an extra header line when decoded', async () => {
    const hostile = '=?utf-8?q?Jane=0D=0ABcc:_victim@example.net?=';
    const parsed = await expectHarmless(hostile, `Welcome ${hostile}`);
    // The reader still sees the text that was given, not a decoded line break.
    expect(parsed.subject?.replace(/\u2060/g, '')).toBe(`Welcome ${hostile}`);
    const from = parsed.from?.value[0]?.name ?? '';
    expect(from.replace(/\u2060/g, '')).toBe(hostile);
  });

  it('base64 encoded-words and other charsets too', async () => {
    const b64 = `=?UTF-8?B?${Buffer.from('x\r\nReply-To: attacker@example.net').toString('base64')}?=`;
    await expectHarmless(b64, `=?iso-8859-1?Q?Hi=0D=0ACc:_victim@example.net?= ${b64}`);
  });

  it('holds for any text wrapped around any encoded line break', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('Bcc: victim@example.net', 'Reply-To: attacker@example.net', 'X-Evil: 1'),
        fc.constantFrom('utf-8', 'UTF-8', 'iso-8859-1'),
        fc.boolean(),
        fc.string({ maxLength: 20 }),
        async (before, header, charset, base64, after) => {
          const payload = `x\r\n${header}`;
          const word = base64
            ? `=?${charset}?B?${Buffer.from(payload).toString('base64')}?=`
            : `=?${charset}?Q?${qEncode(payload)}?=`;
          await expectHarmless(`${before}${word}${after}`, `${after} ${word} ${before}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an identifier that looks like an encoded-word stays one header value', async () => {
    // Identifiers may not hold spaces, but `=?…?=` has none.
    const id = '=?utf-8?q?m=0D=0ABcc:_victim@example.net?=';
    const { parsed } = await composeWith('Conference', 'Hello', id);
    expect(parsed.headerLines.map((h) => h.key).sort()).toEqual(EXPECTED_HEADERS);
    // mailparser leaves X- headers encoded; decode the value as a client that decodes every header would.
    const raw = String(parsed.headers.get('x-communique-mailing-id'));
    const decoded = (await simpleParser(`Subject: ${raw}\r\n\r\n`)).subject ?? '';
    expect(decoded).not.toMatch(/[\r\n]/);
    expect(decoded.replace(/\u2060/g, '')).toBe(id);
  });

  it('leaves ordinary names and subjects as they are', async () => {
    const { parsed } = await composeWith('Dushanbe Conference', 'Your registration: 2 + 2 = 4?');
    expect(parsed.subject).toBe('Your registration: 2 + 2 = 4?');
    expect(parsed.from?.value[0]?.name).toBe('Dushanbe Conference');
  });
});
