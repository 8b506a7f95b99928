/**
 * Synthetic people for the demo: about 200 delegates in English, Russian and Arabic and 20 press
 * contacts, every address at example.org or example.net. The name, country and organization lists
 * are data tables; the generators pick from them with a fixed seed.
 */
import { DEMO_CONFERENCE_ID, PANELS, SESSIONS } from './conference.js';
import { pick, seededRandom, weighted } from './random.js';

/** Number of synthetic registrations and press contacts. */
export const DEMO_REGISTRATIONS = 200;
export const DEMO_PRESS_CONTACTS = 20;

type Gender = 'f' | 'm';
type Lang = 'en' | 'ru' | 'ar';

/** Given names: [as written, in Latin letters for the address, gender]. */
const GIVEN: Record<Lang, readonly (readonly [string, string, Gender])[]> = {
  en: [
    ['James', 'james', 'm'],
    ['Sarah', 'sarah', 'f'],
    ['Michael', 'michael', 'm'],
    ['Emma', 'emma', 'f'],
    ['David', 'david', 'm'],
    ['Laura', 'laura', 'f'],
    ['Thomas', 'thomas', 'm'],
    ['Anna', 'anna', 'f'],
    ['Peter', 'peter', 'm'],
    ['Claire', 'claire', 'f'],
    ['Daniel', 'daniel', 'm'],
    ['Sophie', 'sophie', 'f'],
    ['Lukas', 'lukas', 'm'],
    ['Ingrid', 'ingrid', 'f'],
    ['Mehmet', 'mehmet', 'm'],
    ['Aylin', 'aylin', 'f'],
    ['Kenji', 'kenji', 'm'],
    ['Priya', 'priya', 'f'],
    ['Javier', 'javier', 'm'],
    ['Chloé', 'chloe', 'f'],
    ['Mateusz', 'mateusz', 'm'],
    ['Amina', 'amina', 'f'],
  ],
  ru: [
    ['Алишер', 'alisher', 'm'],
    ['Фарход', 'farhod', 'm'],
    ['Рустам', 'rustam', 'm'],
    ['Бахтиёр', 'bakhtiyor', 'm'],
    ['Тимур', 'timur', 'm'],
    ['Нурлан', 'nurlan', 'm'],
    ['Сергей', 'sergey', 'm'],
    ['Дмитрий', 'dmitry', 'm'],
    ['Азамат', 'azamat', 'm'],
    ['Шухрат', 'shukhrat', 'm'],
    ['Дилноза', 'dilnoza', 'f'],
    ['Зарина', 'zarina', 'f'],
    ['Нилуфар', 'nilufar', 'f'],
    ['Гульнора', 'gulnora', 'f'],
    ['Айгерим', 'aigerim', 'f'],
    ['Асель', 'asel', 'f'],
    ['Ольга', 'olga', 'f'],
    ['Наталья', 'natalya', 'f'],
    ['Мадина', 'madina', 'f'],
    ['Камола', 'kamola', 'f'],
  ],
  ar: [
    ['محمد', 'mohammed', 'm'],
    ['عبدالله', 'abdullah', 'm'],
    ['خالد', 'khalid', 'm'],
    ['فيصل', 'faisal', 'm'],
    ['أحمد', 'ahmed', 'm'],
    ['سلطان', 'sultan', 'm'],
    ['يوسف', 'yousef', 'm'],
    ['عمر', 'omar', 'm'],
    ['نورة', 'noura', 'f'],
    ['فاطمة', 'fatima', 'f'],
    ['مريم', 'maryam', 'f'],
    ['سارة', 'sara', 'f'],
    ['ليلى', 'layla', 'f'],
    ['هند', 'hind', 'f'],
  ],
};

/** Family names: [masculine, feminine, Latin]. */
const FAMILY: Record<Lang, readonly (readonly [string, string, string])[]> = {
  en: [
    ['Smith', 'Smith', 'smith'],
    ['Johnson', 'Johnson', 'johnson'],
    ['Brown', 'Brown', 'brown'],
    ['Taylor', 'Taylor', 'taylor'],
    ['Müller', 'Müller', 'mueller'],
    ['Rossi', 'Rossi', 'rossi'],
    ['Dubois', 'Dubois', 'dubois'],
    ['Novak', 'Novak', 'novak'],
    ['Andersen', 'Andersen', 'andersen'],
    ['Khan', 'Khan', 'khan'],
    ['Sato', 'Sato', 'sato'],
    ['García', 'García', 'garcia'],
    ['Kowalski', 'Kowalska', 'kowalski'],
    ['Yılmaz', 'Yılmaz', 'yilmaz'],
    ['Fischer', 'Fischer', 'fischer'],
    ['Lindqvist', 'Lindqvist', 'lindqvist'],
    ["O'Neill", "O'Neill", 'oneill'],
    ['Okafor', 'Okafor', 'okafor'],
  ],
  ru: [
    ['Рахимов', 'Рахимова', 'rakhimov'],
    ['Назаров', 'Назарова', 'nazarov'],
    ['Каримов', 'Каримова', 'karimov'],
    ['Юсупов', 'Юсупова', 'yusupov'],
    ['Саидов', 'Саидова', 'saidov'],
    ['Исмаилов', 'Исмаилова', 'ismailov'],
    ['Ахмедов', 'Ахмедова', 'akhmedov'],
    ['Токтогулов', 'Токтогулова', 'toktogulov'],
    ['Абдуллаев', 'Абдуллаева', 'abdullaev'],
    ['Петров', 'Петрова', 'petrov'],
    ['Смирнов', 'Смирнова', 'smirnov'],
    ['Жумабеков', 'Жумабекова', 'zhumabekov'],
    ['Мирзоев', 'Мирзоева', 'mirzoev'],
    ['Холов', 'Холова', 'kholov'],
  ],
  ar: [
    ['العتيبي', 'العتيبي', 'alotaibi'],
    ['الكعبي', 'الكعبي', 'alkaabi'],
    ['القحطاني', 'القحطاني', 'alqahtani'],
    ['الهاشمي', 'الهاشمي', 'alhashemi'],
    ['المنصوري', 'المنصوري', 'almansouri'],
    ['الشمري', 'الشمري', 'alshammari'],
    ['الدوسري', 'الدوسري', 'aldosari'],
    ['النعيمي', 'النعيمي', 'alnuaimi'],
    ['حداد', 'حداد', 'haddad'],
    ['المصري', 'المصري', 'almasri'],
    ['الزهراني', 'الزهراني', 'alzahrani'],
    ['المري', 'المري', 'almarri'],
  ],
};

/** Honorifics as people register them, by language and gender: [plain, excellency, doctor]. */
/**
 * Honorifics by language, gender and rank (0 courtesy, 1 Excellency, 2 academic), each with a
 * compound variant ("H.E. Ambassador", "Prof. Dr.") as registration systems send them.
 */
const HONORIFICS: Record<Lang, Record<Gender, readonly (readonly [string, string])[]>> = {
  en: {
    m: [
      ['Mr.', 'Mr.'],
      ['H.E. Mr.', 'H.E. Ambassador'],
      ['Dr.', 'Prof. Dr.'],
    ],
    f: [
      ['Ms.', 'Mrs.'],
      ['H.E. Ms.', 'H.E. Ambassador'],
      ['Dr.', 'Prof. Dr.'],
    ],
  },
  ru: {
    m: [
      ['г-н', 'г-н'],
      ['Е. П. г-н', 'Е. П. Посол'],
      ['д-р', 'проф.'],
    ],
    f: [
      ['г-жа', 'г-жа'],
      ['Е. П. г-жа', 'Е. П. Посол'],
      ['д-р', 'проф.'],
    ],
  },
  ar: {
    m: [
      ['السيد', 'السيد'],
      ['سعادة السيد', 'سعادة السفير'],
      ['الدكتور', 'الأستاذ الدكتور'],
    ],
    f: [
      ['السيدة', 'السيدة'],
      ['سعادة السيدة', 'سعادة السفيرة'],
      ['الدكتورة', 'الأستاذة الدكتورة'],
    ],
  },
};

/** Countries by the language their delegates write in, with weights (co-hosts send more). */
const COUNTRIES: Record<Lang, readonly (readonly [string, number])[]> = {
  en: [
    ['GB', 3],
    ['US', 3],
    ['DE', 3],
    ['FR', 2],
    ['IT', 2],
    ['AT', 2],
    ['CH', 2],
    ['NO', 1],
    ['SE', 1],
    ['NL', 1],
    ['BE', 2],
    ['ES', 1],
    ['PL', 1],
    ['TR', 2],
    ['PK', 2],
    ['IN', 2],
    ['JP', 1],
    ['CN', 2],
    ['AF', 1],
    ['CA', 1],
    ['FI', 1],
  ],
  ru: [
    ['TJ', 8],
    ['KZ', 3],
    ['KG', 3],
    ['UZ', 3],
    ['TM', 2],
    ['RU', 2],
    ['AZ', 1],
    ['BY', 1],
    ['AM', 1],
  ],
  ar: [
    ['SA', 4],
    ['QA', 4],
    ['AE', 2],
    ['EG', 2],
    ['JO', 1],
    ['KW', 1],
    ['OM', 1],
    ['BH', 1],
    ['IQ', 1],
    ['MA', 1],
    ['TN', 1],
  ],
};

const TIME_ZONES: Record<string, string> = {
  TJ: 'Asia/Dushanbe',
  KZ: 'Asia/Almaty',
  KG: 'Asia/Bishkek',
  UZ: 'Asia/Tashkent',
  TM: 'Asia/Ashgabat',
  RU: 'Europe/Moscow',
  AZ: 'Asia/Baku',
  BY: 'Europe/Minsk',
  AM: 'Asia/Yerevan',
  SA: 'Asia/Riyadh',
  QA: 'Asia/Qatar',
  AE: 'Asia/Dubai',
  EG: 'Africa/Cairo',
  JO: 'Asia/Amman',
  KW: 'Asia/Kuwait',
  OM: 'Asia/Muscat',
  BH: 'Asia/Bahrain',
  IQ: 'Asia/Baghdad',
  MA: 'Africa/Casablanca',
  TN: 'Africa/Tunis',
  GB: 'Europe/London',
  US: 'America/New_York',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
  IT: 'Europe/Rome',
  AT: 'Europe/Vienna',
  CH: 'Europe/Zurich',
  NO: 'Europe/Oslo',
  SE: 'Europe/Stockholm',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  ES: 'Europe/Madrid',
  PL: 'Europe/Warsaw',
  TR: 'Europe/Istanbul',
  PK: 'Asia/Karachi',
  IN: 'Asia/Kolkata',
  JP: 'Asia/Tokyo',
  CN: 'Asia/Shanghai',
  AF: 'Asia/Kabul',
  CA: 'America/Toronto',
  FI: 'Europe/Helsinki',
};

/** Organizations, in the delegate's language; the country's name is added in the same language. */
const ORGANIZATIONS: Record<Lang, readonly string[]> = {
  en: [
    'Ministry of Foreign Affairs',
    'Ministry of the Interior',
    'Border Guard Service',
    'Customs Service',
    'National Counter-Terrorism Centre',
    'Permanent Mission to the United Nations',
  ],
  ru: [
    'Министерство иностранных дел',
    'Министерство внутренних дел',
    'Пограничная служба',
    'Таможенная служба',
    'Антитеррористический центр',
    'Постоянное представительство при ООН',
  ],
  ar: [
    'وزارة الخارجية',
    'وزارة الداخلية',
    'حرس الحدود',
    'مصلحة الجمارك',
    'المركز الوطني لمكافحة الإرهاب',
    'البعثة الدائمة لدى الأمم المتحدة',
  ],
};

const ROLES = [
  ['delegate', 80],
  ['speaker', 6],
  ['observer', 10],
  ['staff', 4],
] as const;

/** A synthetic registration, as `registration.*` data. */
export interface DemoRegistration {
  conferenceId: string;
  registrationId: string;
  person: {
    email: string;
    givenName: string;
    familyName: string;
    honorific: string;
    gender?: 'female' | 'male';
    organization: string;
    country: string;
    language: Lang;
    timeZone: string;
  };
  role: (typeof ROLES)[number][0];
  sessions: string[];
}

/**
 * About 200 delegates: roughly 45% English, 35% Russian, 20% Arabic, each with an honorific in
 * their language, a country, a role, the plenaries (mostly) and one or two panels.
 */
export function demoRegistrations(count = DEMO_REGISTRATIONS, seed = 20221018): DemoRegistration[] {
  const random = seededRandom(seed);
  const used = new Set<string>();
  const out: DemoRegistration[] = [];
  for (let i = 1; i <= count; i++) {
    const language = weighted<Lang>(random, [
      ['en', 45],
      ['ru', 35],
      ['ar', 20],
    ]);
    const [given, givenLatin, gender] = pick(random, GIVEN[language]);
    const [masculine, feminine, familyLatin] = pick(random, FAMILY[language]);
    const familyName = gender === 'f' ? feminine : masculine;
    const country = weighted(random, COUNTRIES[language]);
    const rank = weighted(random, [
      [0, 70],
      [1, 18],
      [2, 12],
    ] as const);
    // The variant and whether gender is given follow the index, so the random sequence (and with
    // it every other field of the demo) stays as it was.
    const honorific = HONORIFICS[language][gender][rank]?.[i % 2] ?? '';
    const countryName = new Intl.DisplayNames([language], { type: 'region' }).of(country) ?? country;
    const organization = `${pick(random, ORGANIZATIONS[language])}, ${countryName}`;
    const domain = random() < 0.6 ? 'example.org' : 'example.net';
    // Russian feminine family names end in -a in Latin letters too.
    const base = `${givenLatin}.${familyLatin}${gender === 'f' && language === 'ru' ? 'a' : ''}`;
    let local = base;
    for (let n = 2; used.has(`${local}@${domain}`); n++) local = `${base}${n}`;
    used.add(`${local}@${domain}`);
    const sessions: string[] = [];
    if (random() < 0.9) sessions.push(SESSIONS.opening);
    const panels = [...PANELS].sort(() => random() - 0.5).slice(0, random() < 0.5 ? 1 : 2);
    sessions.push(...PANELS.filter((p) => panels.includes(p)));
    if (random() < 0.85) sessions.push(SESSIONS.closing);
    out.push({
      conferenceId: DEMO_CONFERENCE_ID,
      registrationId: `reg-${String(i).padStart(4, '0')}`,
      person: {
        email: `${local}@${domain}`,
        givenName: given,
        familyName,
        honorific,
        ...(i % 7 === 0 ? {} : { gender: gender === 'f' ? ('female' as const) : ('male' as const) }),
        organization,
        country,
        language,
        timeZone: TIME_ZONES[country] ?? 'Asia/Dushanbe',
      },
      role: weighted(random, ROLES),
      sessions,
    });
  }
  return out;
}

const OUTLETS = [
  ['Central Asia Wire (demo)', 'ru', 'TJ'],
  ['Pamir Morning Post (demo)', 'ru', 'TJ'],
  ['Steppe Radio (demo)', 'ru', 'KZ'],
  ['Tashkent Courier (demo)', 'ru', 'UZ'],
  ['Bishkek Evening (demo)', 'ru', 'KG'],
  ['Gulf Review (demo)', 'ar', 'QA'],
  ['Riyadh Bulletin (demo)', 'ar', 'SA'],
  ['Nile Agency (demo)', 'ar', 'EG'],
  ['Eurasia Newsroom (demo)', 'en', 'AT'],
  ['Border Affairs Weekly (demo)', 'en', 'GB'],
  ['Global Security Monitor (demo)', 'en', 'US'],
  ['Brussels Policy Desk (demo)', 'en', 'BE'],
] as const;

/** A synthetic press contact, as `press-contact.upserted` data. */
export interface DemoPressContact {
  conferenceId: string;
  contactId: string;
  email: string;
  name: string;
  outlet: string;
  language: string;
  country: string;
}

/** Twenty press contacts from invented outlets, in the outlet's language. */
export function demoPressContacts(count = DEMO_PRESS_CONTACTS, seed = 14092022): DemoPressContact[] {
  const random = seededRandom(seed);
  const out: DemoPressContact[] = [];
  const used = new Set<string>();
  for (let i = 1; i <= count; i++) {
    const [outlet, language, country] = pick(random, OUTLETS);
    const lang = language as Lang;
    const [given, givenLatin, gender] = pick(random, GIVEN[lang]);
    const [masculine, feminine, familyLatin] = pick(random, FAMILY[lang]);
    const base = `${givenLatin}.${familyLatin}${gender === 'f' && lang === 'ru' ? 'a' : ''}`;
    let local = base;
    for (let n = 2; used.has(local); n++) local = `${base}${n}`;
    used.add(local);
    out.push({
      conferenceId: DEMO_CONFERENCE_ID,
      contactId: `press-${String(i).padStart(3, '0')}`,
      email: `${local}@example.net`,
      name: `${given} ${gender === 'f' ? feminine : masculine}`,
      outlet,
      language,
      country,
    });
  }
  return out;
}
