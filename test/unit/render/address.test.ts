import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADDRESS_GOLDEN } from '../../../demo/address-golden.js';
import { type Sample, samplesFor } from '../../../demo/samples.js';
import { parseHonorific } from '../../../functions/render/address.js';
import { HONORIFIC_PHRASES, OFFICES, RANKS } from '../../../functions/render/address-table.js';
import type { Person } from '../../../functions/render/types.js';
import { renderApi } from './built.js';

const { render } = renderApi;
const LANGS = ['en', 'ru', 'ar'] as const;

/** Salutation and first reference as a reader sees them: parsed from the confirmation's HTML. */
function rendered(person: Person, language: string): { salutation: string; reference: string } {
  const sample = samplesFor(person).find((s) => s.kind === 'confirmation') as Sample<'confirmation'>;
  const $ = cheerio.load(render('confirmation', language, sample.data).html);
  const salutation = $('.salutation');
  const reference = $('.reference');
  expect(salutation.length).toBe(1);
  expect(reference.length).toBe(1);
  return { salutation: salutation.text(), reference: reference.text() };
}

describe('forms of address: the golden table', () => {
  it('has at least 15 honorific × rank × gender cases', () => {
    expect(ADDRESS_GOLDEN.length).toBeGreaterThanOrEqual(15);
    expect(new Set(ADDRESS_GOLDEN.map((c) => c.rank)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(ADDRESS_GOLDEN.map((c) => c.person.gender ?? 'absent'))).toEqual(
      new Set(['female', 'male', 'unspecified', 'absent']),
    );
  });

  const cases = ADDRESS_GOLDEN.flatMap((c) => LANGS.map((language) => [c.id, language, c] as const));
  it.each(cases)('%s in %s: salutation and first reference in the rendered HTML', (_, language, c) => {
    const person: Person = { email: 'golden@example.org', ...c.person };
    expect(rendered(person, language)).toEqual(c[language]);
  });
});

describe('parseHonorific', () => {
  it('splits compound honorifics into their parts', () => {
    expect(parseHonorific('H.E. Mr.')).toMatchObject({ excellency: true, courtesy: 'mr', gender: 'male' });
    expect(parseHonorific('H.E. Ambassador')).toMatchObject({ excellency: true, office: 'ambassador' });
    expect(parseHonorific('Prof. Dr.')).toMatchObject({ academic: 'prof', unknown: false });
    expect(parseHonorific('معالي الدكتورة')).toMatchObject({
      rank: 'minister',
      academic: 'dr',
      gender: 'female',
    });
    expect(parseHonorific('H.E. Mr. Prime Minister')).toMatchObject({ office: 'prime-minister' });
    // The longest phrase wins: «رئيس الوزراء» is the prime minister, not «الرئيس».
    expect(parseHonorific('دولة رئيس الوزراء').office).toBe('prime-minister');
    expect(parseHonorific('Sheikh')).toMatchObject({ known: false, unknown: true });
  });

  it('reads "deputy", "vice", "under" and "former" as changing the office after them', () => {
    expect(parseHonorific('H.E. Deputy Foreign Minister').office).toBe('deputy-minister');
    expect(parseHonorific('Vice President').office).toBe('vice-president');
    expect(parseHonorific('نائبة الرئيس')).toMatchObject({ office: 'vice-president', gender: 'female' });
    // No office to address them by: neither is the Secretary-General or a minister.
    expect(parseHonorific('Under-Secretary-General')).toMatchObject({ rank: 'senior-official' });
    expect(parseHonorific('Under-Secretary-General').office).toBeUndefined();
    expect(parseHonorific('Former Minister').office).toBeUndefined();
    expect(parseHonorific('Deputy Head of Delegation').rank).toBe('senior-official');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: whatever the honorific, gender and title, no salutation carries a Latin honorific in
// Russian or Arabic text, a slash between gender forms, or two honorifics.

const PHRASE_TEXTS = HONORIFIC_PHRASES.map(([phrase]) => phrase);
const NOISE = [
  'Sheikh',
  'Hon',
  'Eng.',
  'Rev.',
  'Sr.',
  'Dame',
  'Lord',
  'his',
  'of Foreign Affairs',
  'Ph.D.',
  '/',
  'г.',
];
const NAMES: readonly (readonly [string, string])[] = [
  ['Aziz', 'Karimov'],
  ['Jane', 'Ashworth'],
  ['Алишер', 'Назаров'],
  ['Ольга', 'Смирнова'],
  ['فاطمة', 'الكعبي'],
  ['Nodira', ''],
  ['Li', 'Wei'],
];

const honorific = fc
  .array(fc.oneof(fc.constantFrom(...PHRASE_TEXTS), fc.constantFrom(...NOISE), fc.string({ maxLength: 6 })), {
    maxLength: 4,
  })
  .map((parts) => parts.join(' '));

const person = fc.record(
  {
    name: fc.constantFrom(...NAMES),
    honorific,
    gender: fc.constantFrom('female', 'male', 'unspecified'),
    title: fc.record(
      {
        rank: fc.constantFrom(...RANKS),
        office: fc.constantFrom(...OFFICES),
        academic: fc.constantFrom('dr', 'prof'),
        excellency: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name'] },
);

function count(text: string, words: readonly string[]): number {
  return words.reduce((n, word) => n + (text.split(word).length - 1), 0);
}

const RU_SIRS = ['господин', 'госпожа'];
const RU_TITLES = [
  'доктор',
  'профессор',
  'Президент',
  'Премьер',
  'Вице-премьер',
  'Министр',
  'министра',
  'Посол',
];
const AR_STYLES = ['فخامة', 'دولة', 'معالي', 'سعادة', 'حضرة'];
const AR_WORDS = ['السيد', 'الدكتور', ' د. ', 'أ.د.', 'الوزير', 'السفير', 'الرئيس', 'الأمين', 'المدير'];
const AR_GENDERED = /المحترم|السيد|الدكتور|الأستاذ|الوزير|السفير|الرئيس|الأمين|المدير|المفوض|الممثل|نائب/;
const EN_TITLES = ['Mr ', 'Ms ', 'Mrs ', 'Dr ', 'Professor ', 'Madam '];

describe('forms of address: property over many inputs', () => {
  it('never a Latin title in ru/ar, never a slash, never two honorifics; gender respected', () => {
    fc.assert(
      fc.property(person, (input) => {
        const [givenName, familyName] = input.name;
        const p: Person = {
          email: 'p@example.org',
          givenName,
          familyName,
          ...(input.honorific === undefined ? {} : { honorific: input.honorific }),
          ...(input.gender === undefined ? {} : { gender: input.gender }),
          ...(input.title === undefined ? {} : { title: input.title }),
        };
        for (const language of LANGS) {
          const { salutation } = rendered(p, language);
          const words = salutation
            .split(givenName)
            .join(' ')
            .split(familyName || '\u0000')
            .join(' ');
          expect(salutation, salutation).not.toContain('/');
          if (language === 'en') {
            expect(words, salutation).not.toContain('H.E.');
            expect(count(words, EN_TITLES), salutation).toBeLessThanOrEqual(1);
            if (words.includes('Excellency')) expect(words.trim(), salutation).toBe('Excellency,');
            continue;
          }
          // A registered Latin honorific never reaches Cyrillic or Arabic text.
          expect(words, salutation).not.toMatch(/\p{Script=Latin}/u);
          if (language === 'ru') {
            expect(count(words, RU_SIRS), salutation).toBeLessThanOrEqual(1);
            expect(count(words, RU_TITLES), salutation).toBeLessThanOrEqual(1);
            if (words.includes('Превосходительство')) expect(words.trim()).toBe('Ваше Превосходительство!');
            if (p.gender === 'unspecified') expect(words, salutation).not.toMatch(/Уважаем|господин|госпожа/);
            if (p.gender === 'female') expect(words, salutation).not.toMatch(/Уважаемый|господин/);
            if (p.gender === 'male') expect(words, salutation).not.toMatch(/Уважаемая|госпожа/);
          } else {
            expect(count(words, AR_STYLES), salutation).toBeLessThanOrEqual(1);
            expect(count(words, AR_WORDS), salutation).toBeLessThanOrEqual(1);
            if (p.gender === 'unspecified') expect(words, salutation).not.toMatch(AR_GENDERED);
            if (p.gender === 'female') expect(words, salutation).toMatch(/المحترمة،$/);
            if (p.gender === 'male') expect(words, salutation).toMatch(/المحترم،$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
