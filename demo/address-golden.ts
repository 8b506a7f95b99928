/**
 * The golden table of forms of address: honorific × rank × gender, with the salutation and the
 * first in-text reference a reader of each language should see. Written by hand and reviewed
 * against the sources cited in functions/render/address-table.ts; the unit test renders each case
 * through the real confirmation template and compares the parsed HTML, and the preview gallery
 * shows the table (`preview/address.html`).
 */
import type { Person } from '../functions/render/types.js';

/** One language's expected forms. */
export interface GoldenForms {
  readonly salutation: string;
  readonly reference: string;
}

/** One case of the golden table. */
export interface GoldenCase {
  readonly id: string;
  /** The rank the case exercises (documentation; the renderer derives it). */
  readonly rank: string;
  readonly person: Pick<Person, 'givenName' | 'familyName' | 'honorific' | 'gender' | 'title'>;
  readonly en: GoldenForms;
  readonly ru: GoldenForms;
  readonly ar: GoldenForms;
}

export const ADDRESS_GOLDEN: readonly GoldenCase[] = [
  {
    id: 'he-mr',
    rank: 'senior-official',
    person: { givenName: 'Farrukh', familyName: 'Karimov', honorific: 'H.E. Mr.' },
    en: { salutation: 'Excellency,', reference: 'H.E. Mr Farrukh Karimov' },
    ru: { salutation: 'Ваше Превосходительство!', reference: 'Его Превосходительство г-н Farrukh Karimov' },
    ar: { salutation: 'سعادة السيد Farrukh Karimov المحترم،', reference: 'سعادة السيد Farrukh Karimov' },
  },
  {
    id: 'he-dr-female',
    rank: 'senior-official',
    person: { givenName: 'Fatima', familyName: 'Al-Nuaimi', honorific: 'H.E. Dr.', gender: 'female' },
    en: { salutation: 'Excellency,', reference: 'H.E. Dr Fatima Al-Nuaimi' },
    ru: { salutation: 'Ваше Превосходительство!', reference: 'Её Превосходительство д-р Fatima Al-Nuaimi' },
    ar: {
      salutation: 'سعادة الدكتورة Fatima Al-Nuaimi المحترمة،',
      reference: 'سعادة الدكتورة Fatima Al-Nuaimi',
    },
  },
  {
    id: 'he-ambassador-female',
    rank: 'ambassador',
    person: { givenName: 'Jane', familyName: 'Ashworth', honorific: 'H.E. Ambassador', gender: 'female' },
    en: { salutation: 'Dear Ambassador,', reference: 'H.E. Ms Jane Ashworth' },
    ru: { salutation: 'Уважаемая госпожа Посол!', reference: 'Её Превосходительство г-жа Jane Ashworth' },
    ar: { salutation: 'سعادة السفيرة Jane Ashworth المحترمة،', reference: 'سعادة السفيرة Jane Ashworth' },
  },
  {
    id: 'prof-dr-unknown',
    rank: 'academic',
    person: { givenName: 'Anna', familyName: 'Weber', honorific: 'Prof. Dr.' },
    en: { salutation: 'Dear Professor Weber,', reference: 'Prof. Anna Weber' },
    ru: { salutation: 'Здравствуйте, профессор Weber!', reference: 'проф. Anna Weber' },
    ar: { salutation: 'حضرة أ.د. Anna Weber،', reference: 'أ.د. Anna Weber' },
  },
  {
    id: 'arabic-maali-doctora',
    rank: 'minister',
    person: { givenName: 'فاطمة', familyName: 'النعيمي', honorific: 'معالي الدكتورة' },
    en: { salutation: 'Excellency,', reference: 'H.E. Dr فاطمة النعيمي' },
    ru: { salutation: 'Ваше Превосходительство!', reference: 'Её Превосходительство д-р فاطمة النعيمي' },
    ar: { salutation: 'معالي الدكتورة فاطمة النعيمي المحترمة،', reference: 'معالي الدكتورة فاطمة النعيمي' },
  },
  {
    id: 'dr-female',
    rank: 'academic',
    person: { givenName: 'Gulnora', familyName: 'Nazarova', honorific: 'Dr', gender: 'female' },
    en: { salutation: 'Dear Dr Nazarova,', reference: 'Dr Gulnora Nazarova' },
    ru: { salutation: 'Уважаемая госпожа доктор Nazarova!', reference: 'д-р Gulnora Nazarova' },
    ar: { salutation: 'الدكتورة Gulnora Nazarova المحترمة،', reference: 'الدكتورة Gulnora Nazarova' },
  },
  {
    id: 'president-male',
    rank: 'head-of-state',
    person: { givenName: 'Emomali', familyName: 'Rahmon', title: { office: 'president' }, gender: 'male' },
    en: { salutation: 'Dear Mr President,', reference: 'H.E. Mr Emomali Rahmon' },
    ru: {
      salutation: 'Уважаемый господин Президент!',
      reference: 'Его Превосходительство г-н Emomali Rahmon',
    },
    ar: { salutation: 'فخامة الرئيس Emomali Rahmon المحترم،', reference: 'فخامة الرئيس Emomali Rahmon' },
  },
  {
    id: 'prime-minister-female',
    rank: 'head-of-government',
    person: { givenName: 'Kaja', familyName: 'Tamm', honorific: 'H.E. Prime Minister', gender: 'female' },
    en: { salutation: 'Dear Prime Minister,', reference: 'H.E. Ms Kaja Tamm' },
    ru: {
      salutation: 'Уважаемая госпожа Премьер-министр!',
      reference: 'Её Превосходительство г-жа Kaja Tamm',
    },
    ar: { salutation: 'دولة رئيسة الوزراء Kaja Tamm المحترمة،', reference: 'دولة رئيسة الوزراء Kaja Tamm' },
  },
  {
    id: 'minister-by-title',
    rank: 'minister',
    person: {
      givenName: 'Sirojiddin',
      familyName: 'Muhriddin',
      honorific: 'H.E. Mr.',
      title: { office: 'minister' },
    },
    en: { salutation: 'Dear Minister,', reference: 'H.E. Mr Sirojiddin Muhriddin' },
    ru: {
      salutation: 'Уважаемый господин Министр!',
      reference: 'Его Превосходительство г-н Sirojiddin Muhriddin',
    },
    ar: {
      salutation: 'معالي الوزير Sirojiddin Muhriddin المحترم،',
      reference: 'معالي الوزير Sirojiddin Muhriddin',
    },
  },
  {
    id: 'deputy-minister-unknown',
    rank: 'deputy-minister',
    person: { givenName: 'Min', familyName: 'Lee', honorific: 'Deputy Minister' },
    en: { salutation: 'Dear Deputy Minister,', reference: 'Min Lee' },
    ru: { salutation: 'Здравствуйте, Min Lee!', reference: 'Min Lee' },
    ar: { salutation: 'معالي Min Lee،', reference: 'معالي Min Lee' },
  },
  {
    id: 'secretary-general-ms',
    rank: 'head-of-organization',
    person: {
      givenName: 'Maria',
      familyName: 'Lindqvist',
      honorific: 'H.E. Ms',
      title: { office: 'secretary-general' },
    },
    en: { salutation: 'Dear Secretary-General,', reference: 'H.E. Ms Maria Lindqvist' },
    ru: {
      salutation: 'Уважаемая госпожа Генеральный секретарь!',
      reference: 'Её Превосходительство г-жа Maria Lindqvist',
    },
    ar: {
      salutation: 'معالي الأمينة العامة Maria Lindqvist المحترمة،',
      reference: 'معالي الأمينة العامة Maria Lindqvist',
    },
  },
  {
    id: 'ms',
    rank: 'other',
    person: { givenName: 'Dilnoza', familyName: 'Rahimova', honorific: 'Ms' },
    en: { salutation: 'Dear Ms Rahimova,', reference: 'Ms Dilnoza Rahimova' },
    ru: { salutation: 'Уважаемая госпожа Rahimova!', reference: 'г-жа Dilnoza Rahimova' },
    ar: { salutation: 'السيدة Dilnoza Rahimova المحترمة،', reference: 'السيدة Dilnoza Rahimova' },
  },
  {
    id: 'mr-but-female',
    rank: 'other',
    person: { givenName: 'Sam', familyName: 'Taylor', honorific: 'Mr', gender: 'female' },
    en: { salutation: 'Dear Ms Taylor,', reference: 'Ms Sam Taylor' },
    ru: { salutation: 'Уважаемая госпожа Taylor!', reference: 'г-жа Sam Taylor' },
    ar: { salutation: 'السيدة Sam Taylor المحترمة،', reference: 'السيدة Sam Taylor' },
  },
  {
    id: 'gender-only-male',
    rank: 'other',
    person: { givenName: 'Иван', familyName: 'Петров', gender: 'male' },
    en: { salutation: 'Dear Иван Петров,', reference: 'Иван Петров' },
    ru: { salutation: 'Уважаемый Иван Петров!', reference: 'Иван Петров' },
    ar: { salutation: 'السيد Иван Петров المحترم،', reference: 'السيد Иван Петров' },
  },
  {
    id: 'nothing-known',
    rank: 'other',
    person: { givenName: 'Alex', familyName: 'Morgan' },
    en: { salutation: 'Dear Alex Morgan,', reference: 'Alex Morgan' },
    ru: { salutation: 'Здравствуйте, Alex Morgan!', reference: 'Alex Morgan' },
    ar: { salutation: 'حضرة Alex Morgan،', reference: 'Alex Morgan' },
  },
  {
    id: 'unknown-latin-title',
    rank: 'other',
    person: { givenName: 'Khalid', familyName: 'Al-Thani', honorific: 'Sheikh' },
    en: { salutation: 'Dear Sheikh Al-Thani,', reference: 'Sheikh Khalid Al-Thani' },
    ru: { salutation: 'Здравствуйте, Khalid Al-Thani!', reference: 'Khalid Al-Thani' },
    ar: { salutation: 'حضرة Khalid Al-Thani،', reference: 'Khalid Al-Thani' },
  },
  {
    id: 'russian-courtesy',
    rank: 'other',
    person: { givenName: 'Ольга', familyName: 'Смирнова', honorific: 'г-жа' },
    en: { salutation: 'Dear Ms Смирнова,', reference: 'Ms Ольга Смирнова' },
    ru: { salutation: 'Уважаемая госпожа Смирнова!', reference: 'г-жа Ольга Смирнова' },
    ar: { salutation: 'السيدة Ольга Смирнова المحترمة،', reference: 'السيدة Ольга Смирнова' },
  },
  {
    id: 'head-of-delegation-female',
    rank: 'head-of-delegation',
    person: {
      givenName: 'Zarina',
      familyName: 'Saidova',
      honorific: 'H.E.',
      title: { rank: 'head-of-delegation' },
      gender: 'female',
    },
    en: { salutation: 'Excellency,', reference: 'H.E. Ms Zarina Saidova' },
    ru: { salutation: 'Ваше Превосходительство!', reference: 'Её Превосходительство г-жа Zarina Saidova' },
    ar: { salutation: 'سعادة السيدة Zarina Saidova المحترمة،', reference: 'سعادة السيدة Zarina Saidova' },
  },
  {
    id: 'executive-director-unspecified',
    rank: 'head-of-organization',
    person: {
      givenName: 'Omar',
      familyName: 'Haddad',
      honorific: 'Executive Director',
      gender: 'unspecified',
    },
    en: { salutation: 'Dear Executive Director,', reference: 'H.E. Omar Haddad' },
    ru: { salutation: 'Ваше Превосходительство!', reference: 'Omar Haddad' },
    ar: { salutation: 'معالي Omar Haddad،', reference: 'معالي Omar Haddad' },
  },
  {
    id: 'ambassador-dr-female',
    rank: 'ambassador',
    person: {
      givenName: 'Nodira',
      familyName: 'Yusupova',
      honorific: 'H.E. Ambassador Dr.',
      gender: 'female',
    },
    en: { salutation: 'Dear Ambassador,', reference: 'H.E. Dr Nodira Yusupova' },
    ru: { salutation: 'Уважаемая госпожа Посол!', reference: 'Её Превосходительство д-р Nodira Yusupova' },
    ar: {
      salutation: 'سعادة الدكتورة Nodira Yusupova المحترمة،',
      reference: 'سعادة الدكتورة Nodira Yusupova',
    },
  },
];
