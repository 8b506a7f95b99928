/**
 * The demo conference and its agenda: the Dushanbe high-level conference of 18–19 October 2022
 * (its name, dates, city and co-organizers are real; rooms, sessions and speakers are invented).
 */

/** The demo conference's id (also the CLI's default `--conference`). */
export const DEMO_CONFERENCE_ID = 'dushanbe-2022';

/** The conference's short name and city, in every language (the preview samples use them too). */
export const SHORT_NAME = {
  en: 'Dushanbe Border Security Conference',
  ru: 'Душанбинская конференция по безопасности границ',
  ar: 'مؤتمر دوشنبه لأمن الحدود',
};
export const CITY = { en: 'Dushanbe', ru: 'Душанбе', ar: 'دوشنبه' };

/** The co-organizers, in every language (the preview samples show them too). */
export const ORGANIZERS = [
  {
    en: 'Government of the Republic of Tajikistan',
    ru: 'Правительство Республики Таджикистан',
    ar: 'حكومة جمهورية طاجيكستان',
  },
  {
    en: 'United Nations Office of Counter-Terrorism (UNOCT)',
    ru: 'Контртеррористическое управление Организации Объединённых Наций (КТУ ООН)',
    ar: 'مكتب الأمم المتحدة لمكافحة الإرهاب',
  },
  {
    en: 'United Nations Regional Centre for Preventive Diplomacy for Central Asia (UNRCCA)',
    ru: 'Региональный центр ООН по превентивной дипломатии для Центральной Азии (РЦПДЦА)',
    ar: 'مركز الأمم المتحدة الإقليمي للدبلوماسية الوقائية لآسيا الوسطى',
  },
  {
    en: 'Organization for Security and Co-operation in Europe (OSCE)',
    ru: 'Организация по безопасности и сотрудничеству в Европе (ОБСЕ)',
    ar: 'منظمة الأمن والتعاون في أوروبا',
  },
  { en: 'European Union (EU)', ru: 'Европейский союз (ЕС)', ar: 'الاتحاد الأوروبي' },
  { en: 'Kingdom of Saudi Arabia', ru: 'Королевство Саудовская Аравия', ar: 'المملكة العربية السعودية' },
  { en: 'State of Qatar', ru: 'Государство Катар', ar: 'دولة قطر' },
];

/** `conference.upserted` data of the demo conference. */
export function demoConference(): Record<string, unknown> {
  return {
    conferenceId: DEMO_CONFERENCE_ID,
    name: {
      en: 'International High-Level Conference on International and Regional Border Security and Management Cooperation to Counter Terrorism and Prevent the Movement of Terrorists',
      ru: 'Международная конференция высокого уровня по международному и региональному сотрудничеству в области безопасности и управления границами в целях противодействия терроризму и предотвращения передвижения террористов',
      ar: 'المؤتمر الدولي رفيع المستوى حول التعاون الدولي والإقليمي في مجال أمن الحدود وإدارتها لمكافحة الإرهاب ومنع تنقل الإرهابيين',
    },
    shortName: SHORT_NAME,
    city: CITY,
    venue: {
      en: 'Conference centre, Dushanbe (demo)',
      ru: 'Конференц-центр, Душанбе (демо)',
      ar: 'مركز المؤتمرات، دوشنبه (تجريبي)',
    },
    timeZone: 'Asia/Dushanbe',
    start: '2022-10-18',
    end: '2022-10-19',
    organizers: ORGANIZERS,
    website: 'https://dushanbe-2022.example.org/',
    languages: ['en', 'ru', 'ar'],
    sender: { from: 'conference@mail.example.org', replyTo: 'secretariat@example.org' },
    pressContacts: [
      {
        name: 'Nodira Safarova',
        email: 'press.office@example.org',
        role: 'Press office of the host government (demo)',
      },
      {
        name: 'Marc Weber',
        email: 'media.desk@example.org',
        role: 'Public information, co-organizers (demo)',
      },
    ],
  };
}

/** Session ids of the demo agenda, for the demo story and tests. */
export const SESSIONS = {
  opening: 'opening-plenary',
  borders: 'panel-border-controls',
  information: 'panel-information-sharing',
  trafficking: 'panel-illicit-trafficking',
  justice: 'panel-justice-rights',
  closing: 'closing-plenary',
} as const;

/** The parallel panels: each registrant picks one or two. */
export const PANELS = [
  SESSIONS.borders,
  SESSIONS.information,
  SESSIONS.trafficking,
  SESSIONS.justice,
] as const;

/** Room and speaker names in every language: real mail shows them in the reader's. */
export const ROOMS: Record<string, { en: string; ru: string; ar: string }> = {
  'Plenary hall': { en: 'Plenary hall', ru: 'Пленарный зал', ar: 'القاعة العامة' },
  'Room A': { en: 'Room A', ru: 'Зал A', ar: 'القاعة A' },
  'Room B': { en: 'Room B', ru: 'Зал B', ar: 'القاعة B' },
  'Room C': { en: 'Room C', ru: 'Зал C', ar: 'القاعة C' },
};
const SPEAKERS: Record<string, { en: string; ru: string; ar: string }> = {
  'Heads of the co-organizing delegations': {
    en: 'Heads of the co-organizing delegations',
    ru: 'Главы делегаций-соорганизаторов',
    ar: 'رؤساء وفود الجهات المنظمة',
  },
};

/** `agenda.changed` data of the demo agenda at version 1 (times in Dushanbe, UTC+5). */
export function demoAgenda(): Record<string, unknown> {
  const session = (
    sessionId: string,
    title: { en: string; ru: string; ar: string },
    day: 18 | 19,
    from: string,
    to: string,
    room: string,
    plenary: boolean,
    speakers: string[] = [],
  ) => ({
    sessionId,
    title,
    start: `2022-10-${day}T${from}:00+05:00`,
    end: `2022-10-${day}T${to}:00+05:00`,
    room: ROOMS[room] ?? room,
    speakers: speakers.map((speaker) => SPEAKERS[speaker] ?? speaker),
    plenary,
    status: 'scheduled',
  });
  return {
    conferenceId: DEMO_CONFERENCE_ID,
    version: 1,
    sessions: [
      session(
        SESSIONS.opening,
        {
          en: 'High-level opening session',
          ru: 'Открытие конференции на высоком уровне',
          ar: 'الجلسة الافتتاحية رفيعة المستوى',
        },
        18,
        '09:30',
        '11:00',
        'Plenary hall',
        true,
        ['Heads of the co-organizing delegations'],
      ),
      session(
        SESSIONS.borders,
        {
          en: 'Panel 1: Border and customs controls against the movement of terrorists',
          ru: 'Панель 1: пограничный и таможенный контроль против передвижения террористов',
          ar: 'الحلقة 1: الرقابة الحدودية والجمركية لمنع تنقل الإرهابيين',
        },
        18,
        '11:30',
        '13:00',
        'Room A',
        false,
      ),
      session(
        SESSIONS.information,
        {
          en: 'Panel 2: Information sharing and advance passenger data',
          ru: 'Панель 2: обмен информацией и предварительные данные о пассажирах',
          ar: 'الحلقة 2: تبادل المعلومات والبيانات المسبقة عن المسافرين',
        },
        18,
        '14:30',
        '16:00',
        'Room B',
        false,
      ),
      session(
        SESSIONS.trafficking,
        {
          en: 'Panel 3: Stopping illicit trafficking in small arms and light weapons',
          ru: 'Панель 3: пресечение незаконного оборота стрелкового оружия и лёгких вооружений',
          ar: 'الحلقة 3: مكافحة الاتجار غير المشروع بالأسلحة الصغيرة والأسلحة الخفيفة',
        },
        19,
        '09:30',
        '11:00',
        'Room A',
        false,
      ),
      session(
        SESSIONS.justice,
        {
          en: 'Panel 4: Criminal justice and human rights at the border',
          ru: 'Панель 4: уголовное правосудие и права человека на границе',
          ar: 'الحلقة 4: العدالة الجنائية وحقوق الإنسان على الحدود',
        },
        19,
        '11:30',
        '13:00',
        'Room B',
        false,
      ),
      session(
        SESSIONS.closing,
        {
          en: 'Closing plenary: adoption of the Dushanbe Declaration',
          ru: 'Заключительное пленарное заседание: принятие Душанбинской декларации',
          ar: 'الجلسة العامة الختامية: اعتماد إعلان دوشنبه',
        },
        19,
        '15:00',
        '16:30',
        'Plenary hall',
        true,
      ),
    ],
  };
}
