/**
 * Forms of address as data: the protocol ranks, the offices that carry them, and how each is
 * written in English, Russian and Arabic. `address.ts` parses honorifics against this table and
 * composes salutations from it; nothing about a particular title lives in code.
 *
 * Sources (read December 2026; the forms below are this project's reading of them):
 * - United Nations Correspondence Manual, ST/DCS/4/Rev.1 (2000), paras. 104–105: formal style for
 *   heads of State or Government, ministers for foreign affairs and permanent representatives;
 *   "Excellency" for persons of ambassadorial rank; functional title rather than rank for senior
 *   officials of UN system organizations (para. 87).
 *   https://www.yumpu.com/en/document/view/11611219/united-nations-correspondence-manual-unu/24
 * - Г. Н. Михалькевич, «Документы дипломатической переписки» (Минск, 2004) and the course notes
 *   «Виды дипломатической переписки»: the salutation ("обращение") names the office —
 *   «Уважаемый господин посол», «Уважаемый господин министр»; the title of address
 *   ("адрес-титул") is «Ваше Превосходительство».
 *   https://pdoshka.ru/headset/vidy-diplomaticheskoi-perepiski-memorandum-oficialnyi-diplomaticheskii-dokument-chastnye-pisma-polu/
 *   Russian letters of state style the addressee «Его Превосходительству господину …, Президенту …»
 *   (https://gazeta.ua/ru/articles/politics-newspaper/_putin-nazval-uschenko-ego-prevoshoditelstvom/144984).
 * - «دليل شامل للألقاب الرسمية» (arabic-streams, 2025) on the ladder فخامة / دولة / معالي and
 *   the use of سعادة for ambassadors and senior officials (https://arabic-streams.blogspot.com/2025/09/blog-post_28.html);
 *   istifaga.com on «صاحب السعادة» for ambassadors and heads of diplomatic missions.
 *
 * Gender: Russian adjectives and «господин/госпожа» agree with the addressee; Arabic office words
 * and «المحترم/المحترمة» take the feminine form for a woman. When gender is unknown no gendered
 * word is written at all — never both forms with a slash: Russian uses «Ваше Превосходительство!»
 * or «Здравствуйте, …!» (no adjective), Arabic the invariant style nouns (فخامة، دولة، معالي، سعادة،
 * حضرة) and the gender-neutral abbreviations «د.» and «أ.د.», without «المحترم».
 */

import { GENDERS, TITLE_ACADEMIC, TITLE_OFFICES, TITLE_RANKS } from '../events/schema/vocabulary.js';

// The vocabularies are the event contract's (person.title, person.gender): one list each.
/** Protocol ranks, highest first: they choose the style prefix and the salutation. */
export const RANKS = TITLE_RANKS;
export type Rank = (typeof RANKS)[number];

/** Offices written into salutations ("Dear Minister", «господин Посол», «معالي الوزيرة»). */
export const OFFICES = TITLE_OFFICES;
export type Office = (typeof OFFICES)[number];

export const ACADEMIC_TITLES = TITLE_ACADEMIC;
export type Academic = (typeof ACADEMIC_TITLES)[number];

export { GENDERS };
export type Gender = (typeof GENDERS)[number];

export type Courtesy = 'mr' | 'ms' | 'mrs';

/** Text by grammatical gender; `m` and `f` are used only when the gender is known. */
interface Gendered {
  readonly m: string;
  readonly f: string;
}

interface OfficeEntry {
  readonly rank: Rank;
  /** English office name, capitalised as in a salutation ("Dear Prime Minister,"). */
  readonly en: string;
  /** Russian office name after «господин/госпожа» (nominative). */
  readonly ru: string;
  /** Arabic office word with the article, masculine and feminine. */
  readonly ar: Gendered;
}

export const OFFICE_TABLE: Readonly<Record<Office, OfficeEntry>> = {
  president: { rank: 'head-of-state', en: 'President', ru: 'Президент', ar: { m: 'الرئيس', f: 'الرئيسة' } },
  'vice-president': {
    rank: 'minister',
    en: 'Vice-President',
    ru: 'Вице-президент',
    ar: { m: 'نائب الرئيس', f: 'نائبة الرئيس' },
  },
  'prime-minister': {
    rank: 'head-of-government',
    en: 'Prime Minister',
    ru: 'Премьер-министр',
    ar: { m: 'رئيس الوزراء', f: 'رئيسة الوزراء' },
  },
  'deputy-prime-minister': {
    rank: 'minister',
    en: 'Deputy Prime Minister',
    ru: 'Вице-премьер',
    ar: { m: 'نائب رئيس الوزراء', f: 'نائبة رئيس الوزراء' },
  },
  minister: { rank: 'minister', en: 'Minister', ru: 'Министр', ar: { m: 'الوزير', f: 'الوزيرة' } },
  'deputy-minister': {
    rank: 'deputy-minister',
    en: 'Deputy Minister',
    ru: 'заместитель Министра',
    ar: { m: 'نائب الوزير', f: 'نائبة الوزير' },
  },
  ambassador: { rank: 'ambassador', en: 'Ambassador', ru: 'Посол', ar: { m: 'السفير', f: 'السفيرة' } },
  'secretary-general': {
    rank: 'head-of-organization',
    en: 'Secretary-General',
    ru: 'Генеральный секретарь',
    ar: { m: 'الأمين العام', f: 'الأمينة العامة' },
  },
  'director-general': {
    rank: 'head-of-organization',
    en: 'Director-General',
    ru: 'Генеральный директор',
    ar: { m: 'المدير العام', f: 'المديرة العامة' },
  },
  'executive-director': {
    rank: 'head-of-organization',
    en: 'Executive Director',
    ru: 'Исполнительный директор',
    ar: { m: 'المدير التنفيذي', f: 'المديرة التنفيذية' },
  },
  'high-commissioner': {
    rank: 'head-of-organization',
    en: 'High Commissioner',
    ru: 'Верховный комиссар',
    ar: { m: 'المفوض السامي', f: 'المفوضة السامية' },
  },
  'special-representative': {
    rank: 'senior-official',
    en: 'Special Representative',
    ru: 'Специальный представитель',
    ar: { m: 'الممثل الخاص', f: 'الممثلة الخاصة' },
  },
};

/** The Arabic style prefix of each rank (none for academics and everyone else). */
export const ARABIC_PREFIX: Readonly<Record<Rank, string | null>> = {
  'head-of-state': 'فخامة',
  'head-of-government': 'دولة',
  minister: 'معالي',
  'deputy-minister': 'معالي',
  'head-of-organization': 'معالي',
  ambassador: 'سعادة',
  'head-of-delegation': 'سعادة',
  'senior-official': 'سعادة',
  academic: null,
  other: null,
};

/** Ranks styled "Excellency" by protocol even when the honorific does not say so. */
export const EXCELLENCY_RANKS: ReadonlySet<Rank> = new Set<Rank>([
  'head-of-state',
  'head-of-government',
  'minister',
  'ambassador',
  'head-of-organization',
]);

/** Academic titles: English in a salutation and in a reference, Russian, Arabic. */
export const ACADEMIC_TABLE: Readonly<
  Record<
    Academic,
    { en: string; enShort: string; ru: string; ruShort: string; ar: Gendered; arShort: string }
  >
> = {
  dr: {
    en: 'Dr',
    enShort: 'Dr',
    ru: 'доктор',
    ruShort: 'д-р',
    ar: { m: 'الدكتور', f: 'الدكتورة' },
    arShort: 'د.',
  },
  prof: {
    en: 'Professor',
    enShort: 'Prof.',
    ru: 'профессор',
    ruShort: 'проф.',
    ar: { m: 'الأستاذ الدكتور', f: 'الأستاذة الدكتورة' },
    arShort: 'أ.د.',
  },
};

export const COURTESY_TABLE: Readonly<Record<Courtesy, { en: string; ru: string; ar: string }>> = {
  mr: { en: 'Mr', ru: 'г-н', ar: 'السيد' },
  ms: { en: 'Ms', ru: 'г-жа', ar: 'السيدة' },
  mrs: { en: 'Mrs', ru: 'г-жа', ar: 'السيدة' },
};

/** What one honorific word or phrase means. */
export interface HonorificPart {
  readonly excellency?: true;
  readonly rank?: Rank;
  readonly office?: Office;
  readonly academic?: Academic;
  readonly courtesy?: Courtesy;
  readonly gender?: 'female' | 'male';
  /** Known and deliberately not rendered ("The Honourable", "Sir"). */
  readonly ignore?: true;
  /**
   * A word that changes the office after it: "Deputy Foreign Minister" is a deputy minister,
   * "Under-Secretary-General" and "former Minister" are not addressed by that office.
   */
  readonly modifier?: 'deputy' | 'former';
}

/** The deputy form of an office, where it has one; other offices under "deputy" are dropped. */
export const DEPUTY_OF: Partial<Record<Office, Office>> = {
  president: 'vice-president',
  'prime-minister': 'deputy-prime-minister',
  minister: 'deputy-minister',
};

const F = 'female' as const;
const M = 'male' as const;

/**
 * Honorific phrases in every language, written as they are typed; `address.ts` normalises them
 * (case, dots, hyphens, diacritics) and matches the longest phrase first, so "H.E. Mr." is
 * Excellency + Mr, "Prof. Dr." is Professor, and «رئيس الوزراء» is not «الرئيس».
 */
export const HONORIFIC_PHRASES: readonly (readonly [string, HonorificPart])[] = [
  // Excellency
  ['H.E.', { excellency: true }],
  ['HE', { excellency: true }],
  ['S.E.', { excellency: true }],
  ['Excellency', { excellency: true }],
  ['His Excellency', { excellency: true, gender: M }],
  ['Her Excellency', { excellency: true, gender: F }],
  ['Your Excellency', { excellency: true }],
  ['Е.П.', { excellency: true }],
  ['Его Превосходительство', { excellency: true, gender: M }],
  ['Ее Превосходительство', { excellency: true, gender: F }],
  ['Её Превосходительство', { excellency: true, gender: F }],
  ['Превосходительство', { excellency: true }],
  ['Ваше Превосходительство', { excellency: true }],
  ['سعادة', { excellency: true }],
  ['صاحب السعادة', { excellency: true, gender: M }],
  ['صاحبة السعادة', { excellency: true, gender: F }],
  ['فخامة', { excellency: true, rank: 'head-of-state' }],
  ['دولة', { excellency: true, rank: 'head-of-government' }],
  ['معالي', { excellency: true, rank: 'minister' }],
  // Styles that do not travel into these languages: recognised, not rendered.
  ['The Honourable', { ignore: true }],
  ['The Honorable', { ignore: true }],
  ['Hon.', { ignore: true }],
  ['Rt Hon', { ignore: true }],
  ['The Rt Hon', { ignore: true }],
  ['Sir', { ignore: true, gender: M }],
  ['Dame', { ignore: true, gender: F }],
  // Modifiers of the office that follows
  ['Deputy', { modifier: 'deputy' }],
  ['Vice', { modifier: 'deputy' }],
  ['Assistant', { modifier: 'deputy' }],
  ['Under', { modifier: 'deputy' }],
  ['Associate', { modifier: 'deputy' }],
  ['Acting', { modifier: 'deputy' }],
  ['заместитель', { modifier: 'deputy' }],
  ['зам.', { modifier: 'deputy' }],
  ['вице', { modifier: 'deputy' }],
  ['помощник', { modifier: 'deputy' }],
  ['نائب', { modifier: 'deputy', gender: M }],
  ['نائبة', { modifier: 'deputy', gender: F }],
  ['مساعد', { modifier: 'deputy', gender: M }],
  ['مساعدة', { modifier: 'deputy', gender: F }],
  ['Former', { modifier: 'former' }],
  ['Ex', { modifier: 'former' }],
  ['бывший', { modifier: 'former' }],
  ['السابق', { modifier: 'former', gender: M }],
  ['السابقة', { modifier: 'former', gender: F }],
  // Ranks and styles with no form of their own here: recognised, not rendered.
  ['General', { ignore: true }],
  ['Gen.', { ignore: true }],
  ['Colonel', { ignore: true }],
  ['Col.', { ignore: true }],
  ['Mx', { ignore: true }],
  ['генерал', { ignore: true }],
  ['اللواء', { ignore: true }],
  ['العميد', { ignore: true }],
  // Courtesy titles
  ['Mr', { courtesy: 'mr', gender: M }],
  ['Monsieur', { courtesy: 'mr', gender: M }],
  ['Herr', { courtesy: 'mr', gender: M }],
  ['Sr.', { courtesy: 'mr', gender: M }],
  ['Sra.', { courtesy: 'ms', gender: F }],
  ['Srta.', { courtesy: 'ms', gender: F }],
  ['Frau', { courtesy: 'ms', gender: F }],
  ['Mademoiselle', { courtesy: 'ms', gender: F }],
  ['Mlle', { courtesy: 'ms', gender: F }],
  ['المهندس', { courtesy: 'mr', gender: M }],
  ['المهندسة', { courtesy: 'ms', gender: F }],
  ['Mister', { courtesy: 'mr', gender: M }],
  ['Ms', { courtesy: 'ms', gender: F }],
  ['Miss', { courtesy: 'ms', gender: F }],
  ['Mrs', { courtesy: 'mrs', gender: F }],
  ['Madam', { courtesy: 'ms', gender: F }],
  ['Madame', { courtesy: 'ms', gender: F }],
  ['M.', { courtesy: 'mr', gender: M }],
  ['Mme', { courtesy: 'ms', gender: F }],
  ['г-н', { courtesy: 'mr', gender: M }],
  ['господин', { courtesy: 'mr', gender: M }],
  ['г-жа', { courtesy: 'ms', gender: F }],
  ['госпожа', { courtesy: 'ms', gender: F }],
  ['мадам', { courtesy: 'mrs', gender: F }],
  ['السيد', { courtesy: 'mr', gender: M }],
  ['سيد', { courtesy: 'mr', gender: M }],
  ['الأستاذ', { courtesy: 'mr', gender: M }],
  ['السيدة', { courtesy: 'ms', gender: F }],
  ['سيدة', { courtesy: 'ms', gender: F }],
  ['الآنسة', { courtesy: 'ms', gender: F }],
  ['آنسة', { courtesy: 'ms', gender: F }],
  ['الأستاذة', { courtesy: 'ms', gender: F }],
  // Academic titles
  ['Dr', { academic: 'dr' }],
  ['Dra.', { academic: 'dr', gender: F }],
  ['Doctor', { academic: 'dr' }],
  ['Prof.', { academic: 'prof' }],
  ['Professor', { academic: 'prof' }],
  ['Prof. Dr.', { academic: 'prof' }],
  ['д-р', { academic: 'dr' }],
  ['доктор', { academic: 'dr' }],
  ['проф.', { academic: 'prof' }],
  ['профессор', { academic: 'prof' }],
  ['د.', { academic: 'dr' }],
  ['الدكتور', { academic: 'dr', gender: M }],
  ['دكتور', { academic: 'dr', gender: M }],
  ['الدكتورة', { academic: 'dr', gender: F }],
  ['دكتورة', { academic: 'dr', gender: F }],
  ['أ.د.', { academic: 'prof' }],
  ['الأستاذ الدكتور', { academic: 'prof', gender: M }],
  ['الأستاذة الدكتورة', { academic: 'prof', gender: F }],
  ['بروفيسور', { academic: 'prof' }],
  ['بروفيسورة', { academic: 'prof', gender: F }],
  // Offices
  ['President', { office: 'president' }],
  ['Vice-President', { office: 'vice-president' }],
  ['Vice President', { office: 'vice-president' }],
  ['Вице-президент', { office: 'vice-president' }],
  ['نائب الرئيس', { office: 'vice-president', gender: M }],
  ['نائبة الرئيس', { office: 'vice-president', gender: F }],
  ['Президент', { office: 'president' }],
  ['الرئيس', { office: 'president', gender: M }],
  ['رئيس', { office: 'president', gender: M }],
  ['الرئيسة', { office: 'president', gender: F }],
  ['Prime Minister', { office: 'prime-minister' }],
  ['Premier', { office: 'prime-minister' }],
  ['Премьер-министр', { office: 'prime-minister' }],
  ['Председатель Правительства', { office: 'prime-minister' }],
  ['رئيس الوزراء', { office: 'prime-minister', gender: M }],
  ['رئيسة الوزراء', { office: 'prime-minister', gender: F }],
  ['Deputy Prime Minister', { office: 'deputy-prime-minister' }],
  ['Вице-премьер', { office: 'deputy-prime-minister' }],
  ['نائب رئيس الوزراء', { office: 'deputy-prime-minister', gender: M }],
  ['نائبة رئيس الوزراء', { office: 'deputy-prime-minister', gender: F }],
  ['Minister', { office: 'minister' }],
  ['Министр', { office: 'minister' }],
  ['الوزير', { office: 'minister', gender: M }],
  ['وزير', { office: 'minister', gender: M }],
  ['الوزيرة', { office: 'minister', gender: F }],
  ['وزيرة', { office: 'minister', gender: F }],
  ['Deputy Minister', { office: 'deputy-minister' }],
  ['Vice Minister', { office: 'deputy-minister' }],
  ['Vice-Minister', { office: 'deputy-minister' }],
  ['State Secretary', { office: 'deputy-minister' }],
  ['заместитель министра', { office: 'deputy-minister' }],
  ['замминистра', { office: 'deputy-minister' }],
  ['نائب الوزير', { office: 'deputy-minister', gender: M }],
  ['نائب وزير', { office: 'deputy-minister', gender: M }],
  ['نائبة الوزير', { office: 'deputy-minister', gender: F }],
  ['Ambassador', { office: 'ambassador' }],
  ['Amb.', { office: 'ambassador' }],
  ['Посол', { office: 'ambassador' }],
  ['السفير', { office: 'ambassador', gender: M }],
  ['سفير', { office: 'ambassador', gender: M }],
  ['السفيرة', { office: 'ambassador', gender: F }],
  ['سفيرة', { office: 'ambassador', gender: F }],
  ['Secretary-General', { office: 'secretary-general' }],
  ['Secretary General', { office: 'secretary-general' }],
  ['Генеральный секретарь', { office: 'secretary-general' }],
  ['Генсек', { office: 'secretary-general' }],
  ['الأمين العام', { office: 'secretary-general', gender: M }],
  ['الأمينة العامة', { office: 'secretary-general', gender: F }],
  ['Director-General', { office: 'director-general' }],
  ['Director General', { office: 'director-general' }],
  ['Генеральный директор', { office: 'director-general' }],
  ['المدير العام', { office: 'director-general', gender: M }],
  ['المديرة العامة', { office: 'director-general', gender: F }],
  ['Executive Director', { office: 'executive-director' }],
  ['Исполнительный директор', { office: 'executive-director' }],
  ['المدير التنفيذي', { office: 'executive-director', gender: M }],
  ['المديرة التنفيذية', { office: 'executive-director', gender: F }],
  ['High Commissioner', { office: 'high-commissioner' }],
  ['Верховный комиссар', { office: 'high-commissioner' }],
  ['المفوض السامي', { office: 'high-commissioner', gender: M }],
  ['المفوضة السامية', { office: 'high-commissioner', gender: F }],
  ['Special Representative', { office: 'special-representative' }],
  ['Специальный представитель', { office: 'special-representative' }],
  ['الممثل الخاص', { office: 'special-representative', gender: M }],
  ['الممثلة الخاصة', { office: 'special-representative', gender: F }],
  ['Head of Delegation', { rank: 'head-of-delegation' }],
  ['Глава делегации', { rank: 'head-of-delegation' }],
  ['رئيس الوفد', { rank: 'head-of-delegation', gender: M }],
  ['رئيسة الوفد', { rank: 'head-of-delegation', gender: F }],
];
