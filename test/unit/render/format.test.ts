import { describe, expect, it } from 'vitest';
import {
  DateFormatter,
  fillPattern,
  mailtoHref,
  normalizeHonorific,
  safeUrl,
  singleLine,
  utcOffset,
} from '../../../functions/render/format.js';
import { renderMarkdown } from '../../../functions/render/markdown.js';
import { compiledApi } from './built.js';

const { runtimeCatalog } = compiledApi;

describe('DateFormatter', () => {
  const opening = new Date('2022-10-18T09:00:00+05:00');
  const end = new Date('2022-10-18T10:30:00+05:00');

  it('formats a venue time as the catalog says, e.g. Russian', () => {
    const ru = new DateFormatter(runtimeCatalog('ru'));
    expect(ru.atVenue(opening, null, 'Asia/Dushanbe', 'Душанбе')).toBe(
      '18 октября 2022 г., 09:00 (Душанбе, UTC+5)',
    );
    expect(ru.atVenue(opening, end, 'Asia/Dushanbe', 'Душанбе')).toBe(
      '18 октября 2022 г., 09:00–10:30 (Душанбе, UTC+5)',
    );
  });

  it('adds the recipient time only when their clock differs', () => {
    const en = new DateFormatter(runtimeCatalog('en'));
    expect(en.atRecipient(opening, end, 'Asia/Dushanbe', 'Asia/Tashkent')).toBeNull(); // also UTC+5
    expect(en.atRecipient(opening, end, 'Asia/Dushanbe', 'Asia/Dushanbe')).toBeNull();
    expect(en.atRecipient(opening, end, 'Asia/Dushanbe', 'Not/AZone')).toBeNull();
    expect(en.atRecipient(opening, end, 'Asia/Dushanbe', 'Asia/Kolkata')).toMatch(
      /^18 October 2022, 09:30–11:00 your time \(.+, UTC\+5:30\)$/,
    );
    // Crossing midnight in the recipient's zone shows both dates.
    expect(en.atRecipient(opening, end, 'Asia/Dushanbe', 'America/Los_Angeles')).toMatch(
      /^17 October 2022, 21:00 – 17 October 2022, 22:30 your time|^17 October 2022, 21:00–22:30 your time/,
    );
  });

  it('formats conference days as a range', () => {
    expect(new DateFormatter(runtimeCatalog('ru')).days('2022-10-18', '2022-10-19')).toBe(
      '18–19 октября 2022 г.',
    );
    expect(new DateFormatter(runtimeCatalog('en')).days('2022-10-18', '2022-10-18')).toBe('18 October 2022');
  });

  it('computes UTC offsets including half hours and negatives', () => {
    const at = new Date('2022-10-18T04:00:00Z');
    expect(utcOffset('Asia/Dushanbe', at)).toBe('+5');
    expect(utcOffset('Asia/Kolkata', at)).toBe('+5:30');
    expect(utcOffset('America/New_York', at)).toBe('-4');
    expect(utcOffset('UTC', at)).toBe('');
  });
});

describe('normalizeHonorific', () => {
  it('ignores case, dots, hyphens, diacritics and alef variants', () => {
    expect(normalizeHonorific('H. E.')).toBe('h e');
    expect(normalizeHonorific('Г-ЖА')).toBe('г жа');
    expect(normalizeHonorific('أ.د.')).toBe(normalizeHonorific('ا د'));
    expect(normalizeHonorific('الدُّكتورة')).toBe('الدكتورة');
  });
});

describe('untrusted text helpers', () => {
  it('singleLine removes every kind of line break and control character', () => {
    expect(singleLine(' a\r\nb\nc\rd\u2028e\u2029f\u0085g\u0000h\t ')).toBe('a b c d e f g h');
  });

  it('fillPattern inserts values literally', () => {
    expect(fillPattern('Dear {name},', { name: '$& $1 {name}' })).toBe('Dear $& $1 {name},');
    expect(fillPattern('Dear {title} {familyName},', { title: '', familyName: 'X' })).toBe('Dear X,');
  });

  it('safeUrl keeps only absolute http(s) URLs without credentials', () => {
    expect(safeUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(safeUrl(' HTTP://example.org ')).toBe('http://example.org/');
    for (const bad of [
      'javascript:alert(1)',
      '//example.org',
      '/x',
      'data:text/html,x',
      'https://u:p@example.org',
      '',
    ]) {
      expect(safeUrl(bad)).toBeNull();
    }
  });

  it('mailtoHref encodes URI delimiters and refuses odd addresses', () => {
    expect(mailtoHref('a?b#c@example.org')).toBe('mailto:a%3Fb%23c@example.org');
    expect(mailtoHref('a@example.org?cc=x@example.net')).toBeNull();
    expect(mailtoHref('not an address')).toBeNull();
  });

  it('renderMarkdown caches by source and stays safe', () => {
    const html = renderMarkdown('**a** <i>b</i>');
    expect(html).toBe('<p><strong>a</strong> &lt;i&gt;b&lt;/i&gt;</p>\n');
    expect(renderMarkdown('**a** <i>b</i>')).toBe(html);
  });
});
