import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToText } from '../../../functions/render/markdown.js';

describe('markdownToText', () => {
  it('drops emphasis, writes links as "text <url>", keeps list and quote markers', () => {
    const source = [
      'The **Kokhi Navruz** opens at _09:00_. See [the venue page](https://example.org/venue) or <https://example.org>.',
      '',
      '- one **bold**',
      '- two [press](mailto:press@example.org)',
      '',
      '1. first',
      '2. second',
      '',
      '> quoted *text*',
    ].join('\r\n');
    expect(markdownToText(source)).toBe(
      [
        'The Kokhi Navruz opens at 09:00. See the venue page <https://example.org/venue> or <https://example.org>.',
        '',
        '- one bold',
        '- two press <press@example.org>',
        '',
        '1. first',
        '2. second',
        '',
        '> quoted text',
      ].join('\n'),
    );
  });

  it('keeps raw HTML and unsafe links as inert text, and never leaves control characters', () => {
    expect(markdownToText('<b>x</b> [js](javascript:alert(1))\u0007')).toBe(
      '<b>x</b> [js](javascript:alert(1))',
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(markdownToText(text)).not.toMatch(/[^\P{Cc}\n\t]/u);
      }),
    );
  });
});
