/**
 * How a mail addresses its recipient: the salutation ("Dear Minister," / «Уважаемая госпожа Посол!»
 * / «معالي الوزيرة … المحترمة،») and the first in-text reference ("H.E. Ms Jane Ashworth").
 *
 * A free-text honorific is parsed into parts (Excellency, office, academic title, courtesy title,
 * the gender they imply) against the phrase table in `address-table.ts`; a structured
 * `person.title` and `person.gender` override what the text says. The rank then chooses the form,
 * and grammatical gender is applied where the language needs it. Rules that keep ministerial mail
 * correct whatever the input:
 * - one style per salutation: "H.E. Ambassador" becomes "Dear Ambassador,", never both;
 * - no gendered word when the gender is unknown, and never two forms joined by a slash;
 * - an honorific nobody recognises is dropped in Russian and Arabic (the name alone is correct,
 *   a Latin title inside Cyrillic or Arabic text is not); English keeps a Latin one as given.
 */
import {
  ACADEMIC_TABLE,
  type Academic,
  ARABIC_PREFIX,
  COURTESY_TABLE,
  type Courtesy,
  DEPUTY_OF,
  EXCELLENCY_RANKS,
  type Gender,
  HONORIFIC_PHRASES,
  type HonorificPart,
  OFFICE_TABLE,
  type Office,
  RANKS,
  type Rank,
} from './address-table.js';

export type { Academic, Gender, Office, Rank } from './address-table.js';

/** The structured title beside the free-text honorific (contract: `person.title`). */
export interface PersonTitle {
  readonly rank?: Rank | undefined;
  readonly office?: Office | undefined;
  readonly academic?: Academic | undefined;
  readonly excellency?: boolean | undefined;
}

/** What addressing needs to know about a person. */
export interface Addressee {
  readonly givenName: string;
  readonly familyName: string;
  /**
   * Free text as registered ("H.E. Mr.", "Prof. Dr.", "г-н", «معالي الدكتورة»…), parsed into parts
   * that choose the salutation by rank; unknown words are not shown in ru/ar.
   */
  readonly honorific?: string | undefined;
  /** Grammatical gender for Russian and Arabic forms; absent or `unspecified`: neutral forms. */
  readonly gender?: Gender | undefined;
  /** Structured title; overrides what the free-text honorific says. */
  readonly title?: PersonTitle | undefined;
}

/** A parsed honorific: the parts found, and whether anything was left unrecognised. */
export interface ParsedHonorific {
  readonly excellency: boolean;
  readonly rank?: Rank;
  readonly office?: Office;
  readonly academic?: Academic;
  readonly courtesy?: Courtesy;
  readonly gender?: 'female' | 'male';
  /** Some phrase was recognised. */
  readonly known: boolean;
  /** Some word was not. */
  readonly unknown: boolean;
}

/** The salutation and the first reference in one language. */
export interface AddressForms {
  readonly salutation: string;
  readonly reference: string;
}

/** Normal form for matching: NFKC, no marks or tatweel, one alef, ё→е, lower case, words only. */
export function normalizeHonorific(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\p{M}\u0640]/gu, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const PHRASES: ReadonlyMap<string, HonorificPart> = new Map(
  HONORIFIC_PHRASES.map(([phrase, part]) => [normalizeHonorific(phrase), part]),
);
const LONGEST = Math.max(...[...PHRASES.keys()].map((key) => key.split(' ').length));

const rankOrder = (rank: Rank): number => RANKS.indexOf(rank);
const higher = (a: Rank | undefined, b: Rank | undefined): Rank | undefined =>
  a === undefined ? b : b === undefined ? a : rankOrder(a) <= rankOrder(b) ? a : b;

const parseMemo = new Map<string, ParsedHonorific>();

/** Splits a free-text honorific ("H.E. Mr.", "Prof. Dr.", «معالي الدكتورة») into its parts. */
export function parseHonorific(text: string): ParsedHonorific {
  const memo = parseMemo.get(text);
  if (memo !== undefined) return memo;
  const words = normalizeHonorific(text)
    .split(' ')
    .filter((word) => word !== '');
  let excellency = false;
  let rank: Rank | undefined;
  let office: Office | undefined;
  let academic: Academic | undefined;
  let courtesy: Courtesy | undefined;
  let gender: 'female' | 'male' | undefined;
  let known = false;
  let unknown = false;
  let modifier: 'deputy' | 'former' | undefined;
  let demoted = false;
  for (let i = 0; i < words.length; ) {
    let part: HonorificPart | undefined;
    let length = Math.min(LONGEST, words.length - i);
    for (; length > 0; length--) {
      part = PHRASES.get(words.slice(i, i + length).join(' '));
      if (part !== undefined) break;
    }
    if (part === undefined) {
      unknown = true;
      i += 1;
      continue;
    }
    known = true;
    i += length;
    if (part.excellency) excellency = true;
    if (part.modifier !== undefined) {
      modifier = part.modifier;
      gender ??= part.gender;
      continue;
    }
    let partOffice = part.office;
    if (partOffice !== undefined && modifier !== undefined) {
      // "Deputy Foreign Minister" → deputy minister; "Under-Secretary-General", "former Minister"
      // → no office to address them by, but a senior official all the same.
      partOffice = modifier === 'deputy' ? DEPUTY_OF[partOffice] : undefined;
      if (partOffice === undefined) demoted = true;
      modifier = undefined;
    }
    if (modifier !== undefined && part.rank !== undefined) demoted = true;
    rank = higher(rank, modifier === undefined ? part.rank : undefined);
    modifier = undefined;
    if (partOffice !== undefined) {
      const current: Office | undefined = office;
      if (
        current === undefined ||
        rankOrder(OFFICE_TABLE[partOffice].rank) < rankOrder(OFFICE_TABLE[current].rank)
      ) {
        office = partOffice;
      }
    }
    if (part.academic !== undefined && academic !== 'prof') academic = part.academic;
    courtesy ??= part.courtesy;
    gender ??= part.gender;
  }
  if (demoted && office === undefined) rank = higher(rank, 'senior-official');
  const parsed: ParsedHonorific = {
    excellency,
    known,
    unknown,
    ...(rank === undefined ? {} : { rank }),
    ...(office === undefined ? {} : { office }),
    ...(academic === undefined ? {} : { academic }),
    ...(courtesy === undefined ? {} : { courtesy }),
    ...(gender === undefined ? {} : { gender }),
  };
  if (parseMemo.size > 1000) parseMemo.clear();
  parseMemo.set(text, parsed);
  return parsed;
}

/** Everything the forms are chosen from, after the structured title overrode the parsed text. */
interface Resolved {
  readonly rank: Rank;
  readonly office: Office | undefined;
  readonly academic: Academic | undefined;
  readonly excellency: boolean;
  /** `m`/`f` when the grammatical gender is known. */
  readonly g: 'm' | 'f' | undefined;
  readonly courtesy: Courtesy | undefined;
  /** A Latin-script honorific nobody recognised, kept for English only. */
  readonly rawLatin: string | undefined;
  readonly fullName: string;
  /** The family name, or the given name for people registered with one name. */
  readonly surname: string;
}

function resolve(person: Addressee, fullName: string): Resolved {
  const honorific = (person.honorific ?? '').trim();
  const parsed = parseHonorific(honorific);
  const title = person.title ?? {};
  const office = title.office ?? parsed.office;
  const academic = title.academic ?? parsed.academic;
  const rank =
    title.rank ??
    (office === undefined ? undefined : OFFICE_TABLE[office].rank) ??
    parsed.rank ??
    (parsed.excellency ? 'senior-official' : academic !== undefined ? 'academic' : 'other');
  const excellency = title.excellency ?? (parsed.excellency || EXCELLENCY_RANKS.has(rank));
  const gender = person.gender === 'unspecified' ? undefined : (person.gender ?? parsed.gender ?? undefined);
  const g = gender === 'male' ? 'm' : gender === 'female' ? 'f' : undefined;
  // A courtesy title that contradicts the stated gender follows the gender.
  let courtesy = parsed.courtesy;
  if (g === undefined) courtesy = undefined;
  else if (courtesy !== undefined && (courtesy === 'mr') !== (g === 'm')) courtesy = g === 'm' ? 'mr' : 'ms';
  const onlyUnknown = parsed.unknown && !parsed.known && person.title === undefined;
  const rawLatin = onlyUnknown && /^[\p{Script=Latin}\s.'’-]+$/u.test(honorific) ? honorific : undefined;
  const familyName = person.familyName.trim();
  return {
    rank,
    office,
    academic,
    excellency,
    g,
    courtesy,
    rawLatin,
    fullName,
    surname: familyName === '' ? person.givenName.trim() : familyName,
  };
}

const join = (...parts: (string | undefined | null | false)[]): string =>
  parts.filter((part): part is string => typeof part === 'string' && part !== '').join(' ');

function english(r: Resolved): AddressForms {
  let salutation: string;
  if (r.office === 'president') {
    salutation = r.g === 'm' ? 'Dear Mr President,' : r.g === 'f' ? 'Dear Madam President,' : 'Excellency,';
  } else if (r.office !== undefined) salutation = `Dear ${OFFICE_TABLE[r.office].en},`;
  else if (r.excellency) salutation = 'Excellency,';
  else if (r.academic !== undefined) salutation = `Dear ${ACADEMIC_TABLE[r.academic].en} ${r.surname},`;
  else if (r.courtesy !== undefined) salutation = `Dear ${COURTESY_TABLE[r.courtesy].en} ${r.surname},`;
  else if (r.rawLatin !== undefined) salutation = `Dear ${r.rawLatin} ${r.surname},`;
  else salutation = `Dear ${r.fullName},`;
  const courtesy =
    r.courtesy ?? (r.excellency && r.g !== undefined ? (r.g === 'm' ? 'mr' : 'ms') : undefined);
  const style =
    r.academic !== undefined
      ? ACADEMIC_TABLE[r.academic].enShort
      : courtesy !== undefined
        ? COURTESY_TABLE[courtesy].en
        : r.rawLatin;
  return { salutation, reference: join(r.excellency && 'H.E.', style, r.fullName) };
}

function russian(r: Resolved): AddressForms {
  const adjective = r.g === 'm' ? 'Уважаемый' : 'Уважаемая';
  const sir = r.g === 'm' ? 'господин' : 'госпожа';
  let salutation: string;
  if (r.office !== undefined && r.g !== undefined) {
    salutation = `${adjective} ${sir} ${OFFICE_TABLE[r.office].ru}!`;
  } else if (r.office !== undefined || r.excellency) {
    salutation = r.excellency ? 'Ваше Превосходительство!' : `Здравствуйте, ${r.fullName}!`;
  } else if (r.academic !== undefined) {
    const word = ACADEMIC_TABLE[r.academic].ru;
    // «Уважаемая доктор» is colloquial agreement; with «госпожа» the adjective agrees with it.
    salutation =
      r.g === 'm'
        ? `Уважаемый ${word} ${r.surname}!`
        : r.g === 'f'
          ? `Уважаемая госпожа ${word} ${r.surname}!`
          : `Здравствуйте, ${word} ${r.surname}!`;
  } else if (r.courtesy !== undefined) salutation = `${adjective} ${sir} ${r.surname}!`;
  else if (r.g !== undefined) salutation = `${adjective} ${r.fullName}!`;
  else salutation = `Здравствуйте, ${r.fullName}!`;
  const excellency = r.excellency && r.g !== undefined && `${r.g === 'm' ? 'Его' : 'Её'} Превосходительство`;
  const style =
    r.academic !== undefined
      ? ACADEMIC_TABLE[r.academic].ruShort
      : r.g !== undefined && (r.courtesy !== undefined || r.excellency)
        ? COURTESY_TABLE[r.g === 'm' ? 'mr' : 'ms'].ru
        : undefined;
  return { salutation, reference: join(excellency, style, r.fullName) };
}

function arabic(r: Resolved): AddressForms {
  const prefix = ARABIC_PREFIX[r.rank];
  const officeFirst = r.rank === 'head-of-state' || r.rank === 'head-of-government';
  if (r.g === undefined) {
    const style = r.academic === undefined ? undefined : ACADEMIC_TABLE[r.academic].arShort;
    const reference = join(prefix, style, r.fullName);
    return { salutation: `${join(prefix ?? 'حضرة', style, r.fullName)}،`, reference };
  }
  const g = r.g;
  const officeWord = r.office === undefined ? undefined : OFFICE_TABLE[r.office].ar[g];
  const academicWord = r.academic === undefined ? undefined : ACADEMIC_TABLE[r.academic].ar[g];
  const word =
    (officeFirst ? (officeWord ?? academicWord) : (academicWord ?? officeWord)) ??
    COURTESY_TABLE[g === 'm' ? 'mr' : 'ms'].ar;
  const reference = join(prefix, word, r.fullName);
  return { salutation: `${reference} ${g === 'm' ? 'المحترم' : 'المحترمة'}،`, reference };
}

const BY_LANGUAGE: Readonly<Record<string, (r: Resolved) => AddressForms>> = {
  en: english,
  ru: russian,
  ar: arabic,
};

/**
 * The salutation and first reference of `person` in `language` (a catalog language; anything
 * else gets the English forms). `fullName` is the name in that language's order.
 */
export function addressFor(person: Addressee, language: string, fullName: string): AddressForms {
  const forms = BY_LANGUAGE[language] ?? english;
  return forms(resolve(person, fullName));
}
