/**
 * Every organizer-mailing kind of the registry goes the whole way: `mailing.requested` through
 * the intake, the planner and the sender to a MIME message the local SES accepted. The list comes
 * from the registry, so a kind added there (README, "Adding a mail kind") is sent here too.
 */
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasOrganizerContent, isBulkKind, MAILING_KINDS } from '../../functions/kinds/index.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { headerLine } from './support/mail.js';
import { acceptedFor, fixture, mailingRequest, sendAndWait, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const cid = 'dushanbe-2022';

describe('every organizer-mailing kind, end to end', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '1000' } });

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    await seedRegistrations(storeOf(stack.current), cid, 2, { prefix: 'kinds' });
  });

  it.each(MAILING_KINDS)('%s: requested, planned, sent and well formed', async (kind) => {
    // Prepare: one delegate in English, one in Russian (seeded languages alternate en, ru, ar).
    const mailingId = `kinds-${kind}`;
    const content = hasOrganizerContent(kind)
      ? { content: { subject: { en: `About ${kind}` }, body: { en: 'Text **here**.' } } }
      : {};
    const request = mailingRequest(
      mailingId,
      { roles: ['delegate'], contactIds: ['kinds-reg-0', 'kinds-reg-1'] },
      { kind, ...content },
    );

    // Act
    await sendAndWait(stack.current, request);
    const mails = await eventually(
      async () =>
        acceptedFor(stack.current, mailingId).length === 2
          ? acceptedFor(stack.current, mailingId)
          : undefined,
      { what: `two ${kind} mails` },
    );

    // Assess
    expect(mails.flatMap((m) => m.destinations).sort()).toEqual([
      'kinds-0@example.org',
      'kinds-1@example.org',
    ]);
    for (const mail of mails) {
      const parsed = await simpleParser(await readFile(mail.emlPath));
      expect(parsed.subject?.trim()).not.toBe('');
      expect(parsed.text?.trim()).not.toBe('');
      const $ = cheerio.load(String(parsed.html));
      expect(['en', 'ru']).toContain($('html').attr('lang'));
      expect(headerLine(parsed, 'list-unsubscribe') !== undefined, 'List-Unsubscribe iff bulk').toBe(
        isBulkKind(kind),
      );
    }
  });
});
