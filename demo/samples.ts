/**
 * Sample data for every kind of mail, built on the reference conference (Dushanbe, 18–19 October
 * 2022). The build step renders these to check that every template reads only fields the view
 * provides; the preview gallery, the tests and the render benchmark use them too. Addresses are on
 * example.org / example.net only.
 */
import type { MailKind } from '../functions/render/kinds.js';
import type { ConferenceInfo, MailDataByKind, Person, SessionInfo } from '../functions/render/types.js';
import { CITY, ORGANIZERS, SHORT_NAME } from './conference.js';

export const SAMPLE_CONFERENCE: ConferenceInfo = {
  conferenceId: 'dushanbe-2022',
  name: {
    en: 'High-Level Conference on Border Security and Management Cooperation to Counter Terrorism',
    ru: 'Конференция высокого уровня по сотрудничеству в области безопасности и управления границами для противодействия терроризму',
    ar: 'المؤتمر رفيع المستوى للتعاون في أمن الحدود وإدارتها لمكافحة الإرهاب',
  },
  shortName: SHORT_NAME,
  city: CITY,
  venue: {
    en: 'State Conference Centre',
    ru: 'Государственный конференц-центр',
    ar: 'مركز المؤتمرات الحكومي',
  },
  timeZone: 'Asia/Dushanbe',
  start: '2022-10-18',
  end: '2022-10-19',
  organizers: ORGANIZERS,
  website: 'https://conference.example.org/dushanbe-2022',
  replyTo: 'info@conference.example.org',
  pressContacts: [
    {
      name: 'Sahobiddin Sadriddinzod',
      email: 'press.mfa@example.org',
      role: {
        en: 'Ministry of Foreign Affairs of the Republic of Tajikistan',
        ru: 'Министерство иностранных дел Республики Таджикистан',
        ar: 'وزارة خارجية جمهورية طاجيكستان',
      },
    },
    {
      name: 'Laurence Gerard',
      email: 'press.unoct@example.org',
      role: {
        en: 'Public Information, UN Office of Counter-Terrorism',
        ru: 'Общественная информация, Контртеррористическое управление ООН',
        ar: 'الإعلام، مكتب الأمم المتحدة لمكافحة الإرهاب',
      },
    },
  ],
};

export const SAMPLE_SESSIONS: readonly SessionInfo[] = [
  {
    sessionId: 'opening',
    title: {
      en: 'High-level opening session',
      ru: 'Открытие конференции',
      ar: 'الجلسة الافتتاحية رفيعة المستوى',
    },
    start: '2022-10-18T09:00:00+05:00',
    end: '2022-10-18T10:30:00+05:00',
    room: { en: 'Plenary Hall', ru: 'Пленарный зал', ar: 'القاعة العامة' },
    speakers: [
      { en: 'Emomali Rahmon', ru: 'Эмомали Рахмон', ar: 'إمام علي رحمن' },
      { en: 'Vladimir Voronkov', ru: 'Владимир Воронков', ar: 'فلاديمير فورونكوف' },
    ],
    plenary: true,
    status: 'scheduled',
  },
  {
    sessionId: 'panel-borders',
    title: {
      en: 'Panel 1: Cooperation in border and customs controls',
      ru: 'Панель 1: Сотрудничество в сфере пограничного и таможенного контроля',
      ar: 'الحلقة 1: التعاون في الرقابة الحدودية والجمركية',
    },
    start: '2022-10-18T11:00:00+05:00',
    end: '2022-10-18T12:30:00+05:00',
    room: { en: 'Hall B', ru: 'Зал B', ar: 'القاعة B' },
    status: 'scheduled',
  },
  {
    sessionId: 'panel-information',
    title: {
      en: 'Panel 2: Information sharing and criminal justice',
      ru: 'Панель 2: Обмен информацией и уголовное правосудие',
      ar: 'الحلقة 2: تبادل المعلومات والعدالة الجنائية',
    },
    start: '2022-10-18T14:00:00+05:00',
    end: '2022-10-18T15:30:00+05:00',
    room: { en: 'Hall C', ru: 'Зал C', ar: 'القاعة C' },
    status: 'scheduled',
  },
  {
    sessionId: 'closing',
    title: {
      en: 'Closing session: adoption of the Dushanbe Declaration',
      ru: 'Закрытие: принятие Душанбинской декларации',
      ar: 'الجلسة الختامية: اعتماد إعلان دوشنبه',
    },
    start: '2022-10-19T15:00:00+05:00',
    end: '2022-10-19T16:30:00+05:00',
    room: { en: 'Plenary Hall', ru: 'Пленарный зал', ar: 'القاعة العامة' },
    plenary: true,
    status: 'scheduled',
  },
];

/** One realistic recipient per language; each lives in another zone than the venue but one. */
export const SAMPLE_RECIPIENTS: Readonly<Record<string, Person>> = {
  en: {
    email: 'amina.diallo@example.org',
    givenName: 'Amina',
    familyName: 'Diallo',
    honorific: 'Dr',
    gender: 'female',
    organization: 'Example Institute',
    timeZone: 'Europe/Vienna',
  },
  ru: {
    email: 'a.nazarov@example.org',
    givenName: 'Алишер',
    familyName: 'Назаров',
    honorific: 'г-н',
    gender: 'male',
    timeZone: 'Asia/Dushanbe',
  },
  ar: {
    email: 'f.alkaabi@example.net',
    givenName: 'فاطمة',
    familyName: 'الكعبي',
    honorific: 'سعادة',
    gender: 'female',
    timeZone: 'Asia/Riyadh',
  },
};

/**
 * A recipient built to break things: markup, template syntax, header injection, a 500-character
 * name without spaces, emoji, and mixed scripts with bidi-sensitive punctuation. Without an
 * honorific, so the salutation shows both names.
 */
export const HOSTILE_RECIPIENT: Person = {
  email: 'hostile@example.net',
  givenName: '<script>alert(1)</script>{{constructor}} Ω 👩🏽‍💼',
  familyName: `O'Brien-\u0639\u0628\u062F\u0627\u0644\u0644\u0647 (UN) <img src=x onerror=alert(2)>\r\nBcc: victim@example.net ${'W'.repeat(500)}`,
  timeZone: 'America/New_York',
};

/** The same person with a hostile free-text honorific, which is not recognised and not shown. */
export const HOSTILE_TITLED_RECIPIENT: Person = {
  ...HOSTILE_RECIPIENT,
  honorific: '{{#each this}}<b>Sir</b>',
};

const UNSUBSCRIBE = 'https://unsubscribe.example.org/u/v1.sample-token';
const RSVP = 'https://rsvp.example.org/?token=v1.sample-rsvp-token';
const REGISTRATION = 'https://conference.example.org/dushanbe-2022/register';

const MEDIA_BODY = {
  en: 'Ministers and heads of delegation meet in **Dushanbe** on 18–19 October 2022.\n\n- Opening session at 09:00 local time\n- Press area open from 08:00\n\nPhotographs will be published on the [conference website](https://conference.example.org/dushanbe-2022/media).',
  ru: 'Министры и главы делегаций встречаются в **Душанбе** 18–19 октября 2022 года.\n\n- Открытие в 09:00 по местному времени\n- Пресс-зона работает с 08:00\n\nФотографии будут опубликованы на [сайте конференции](https://conference.example.org/dushanbe-2022/media).',
  ar: 'يجتمع الوزراء ورؤساء الوفود في **دوشنبه** يومي 18 و19 أكتوبر 2022.\n\n- الجلسة الافتتاحية في الساعة 09:00 بالتوقيت المحلي\n- المنطقة الإعلامية مفتوحة من الساعة 08:00\n\nستُنشر الصور على [موقع المؤتمر](https://conference.example.org/dushanbe-2022/media).',
};

const ANNOUNCEMENT_BODY = {
  en: 'The shuttle service between the partner hotels and the conference centre runs **every 20 minutes** from 07:30.\n\nPlease wear your badge at all times. Questions: [info@conference.example.org](mailto:info@conference.example.org).',
  ru: 'Трансфер между гостиницами-партнёрами и конференц-центром курсирует **каждые 20 минут** с 07:30.\n\nПожалуйста, всегда имейте при себе бейдж. Вопросы: [info@conference.example.org](mailto:info@conference.example.org).',
  ar: 'تعمل خدمة النقل بين الفنادق الشريكة ومركز المؤتمرات **كل 20 دقيقة** ابتداءً من الساعة 07:30.\n\nيرجى ارتداء الشارة في جميع الأوقات. للاستفسار: [info@conference.example.org](mailto:info@conference.example.org).',
};

/** A named sample: `variant` distinguishes several samples of one kind (e.g. the two reminders). */
export interface Sample<K extends MailKind = MailKind> {
  readonly kind: K;
  readonly variant: string;
  readonly data: MailDataByKind[K];
}

function base(recipient: Person) {
  return { conference: SAMPLE_CONFERENCE, recipient };
}

/** Every kind with realistic data for `recipient` (one sample per kind, two for reminders). */
export function samplesFor(recipient: Person): Sample[] {
  const [opening, panel1, panel2, closing] = SAMPLE_SESSIONS as [
    SessionInfo,
    SessionInfo,
    SessionInfo,
    SessionInfo,
  ];
  const samples: { [K in MailKind]: Sample<K>[] } = {
    invitation: [
      {
        kind: 'invitation',
        variant: 'default',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          registrationUrl: 'https://conference.example.org/dushanbe-2022/register?ref=inv',
          respondBy: '2022-10-07',
          highlights: [opening, closing],
        },
      },
      {
        kind: 'invitation',
        variant: 'invitee',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          registrationUrl: REGISTRATION,
          rsvpUrl: RSVP,
          followUp: true,
          highlights: [opening, closing],
        },
      },
    ],
    confirmation: [
      {
        kind: 'confirmation',
        variant: 'default',
        data: {
          ...base(recipient),
          registrationId: 'REG-2022-0417',
          role: 'delegate',
          sessions: [opening, panel1, closing],
          manageUrl: 'https://conference.example.org/dushanbe-2022/registration/REG-2022-0417',
        },
      },
    ],
    cancellation: [
      {
        kind: 'cancellation',
        variant: 'default',
        data: { ...base(recipient), registrationId: 'REG-2022-0417', sessions: [opening, panel1] },
      },
    ],
    reminder: [
      {
        kind: 'reminder',
        variant: 'conference',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          variant: 'conference',
          startsIn: { amount: 7, unit: 'day' },
          sessions: [panel1, panel2],
        },
      },
      {
        kind: 'reminder',
        variant: 'session',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          variant: 'session',
          startsIn: { amount: 1, unit: 'hour' },
          session: panel2,
        },
      },
    ],
    'agenda-change': [
      {
        kind: 'agenda-change',
        variant: 'default',
        data: {
          ...base(recipient),
          version: 3,
          changes: [
            {
              before: panel1,
              after: {
                ...panel1,
                start: '2022-10-18T11:30:00+05:00',
                end: '2022-10-18T13:00:00+05:00',
                room: { en: 'Hall A', ru: 'Зал A', ar: 'القاعة A' },
              },
            },
            { before: panel2, after: { ...panel2, status: 'cancelled' } },
            {
              after: {
                sessionId: 'side-event',
                title: {
                  en: 'Side event: regional customs cooperation',
                  ru: 'Сопутствующее мероприятие: региональное таможенное сотрудничество',
                  ar: 'فعالية جانبية: التعاون الجمركي الإقليمي',
                },
                start: '2022-10-19T12:30:00+05:00',
                end: '2022-10-19T13:30:00+05:00',
                room: { en: 'Hall D', ru: 'Зал D', ar: 'القاعة D' },
              },
            },
          ],
        },
      },
    ],
    'media-advisory': [
      {
        kind: 'media-advisory',
        variant: 'default',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          subject: {
            en: 'Opening of the Dushanbe conference on border security',
            ru: 'Открытие Душанбинской конференции по безопасности границ',
            ar: 'افتتاح مؤتمر دوشنبه بشأن أمن الحدود',
          },
          body: MEDIA_BODY,
          embargoUntil: '2022-10-18T09:00:00+05:00',
          accreditation: {
            url: 'https://conference.example.org/dushanbe-2022/press',
            deadline: '2022-10-12',
            note: {
              en: 'Bring the accreditation confirmation and a press card.',
              ru: 'Возьмите с собой подтверждение аккредитации и удостоверение журналиста.',
              ar: 'يرجى إحضار تأكيد الاعتماد وبطاقة الصحافة.',
            },
          },
        },
      },
    ],
    announcement: [
      {
        kind: 'announcement',
        variant: 'default',
        data: {
          ...base(recipient),
          unsubscribeUrl: UNSUBSCRIBE,
          subject: {
            en: 'Shuttle service and badges',
            ru: 'Трансфер и бейджи',
            ar: 'خدمة النقل والشارات',
          },
          body: ANNOUNCEMENT_BODY,
        },
      },
    ],
    'rsvp-confirmation': [
      {
        kind: 'rsvp-confirmation',
        variant: 'accept',
        data: {
          ...base(recipient),
          answer: 'accept',
          registrationUrl: `${REGISTRATION}?invitee=inv-0001`,
          rsvpUrl: RSVP,
        },
      },
      {
        kind: 'rsvp-confirmation',
        variant: 'decline',
        data: { ...base(recipient), answer: 'decline', rsvpUrl: RSVP },
      },
      {
        kind: 'rsvp-confirmation',
        variant: 'delegate',
        data: {
          ...base(recipient),
          answer: 'delegate',
          representative: { name: 'Dilnoza Saidova', email: 'd.saidova@example.org' },
          rsvpUrl: RSVP,
        },
      },
    ],
    'representative-note': [
      {
        kind: 'representative-note',
        variant: 'default',
        data: {
          ...base(recipient),
          inviteeName: 'H.E. Aziza Rahimova',
          registrationUrl: `${REGISTRATION}?invitee=inv-0001&representative=1`,
        },
      },
    ],
  };
  return Object.values(samples).flat() as Sample[];
}

/** The sample recipient for `language` (English for a language without one). */
export function sampleRecipient(language: string): Person {
  return SAMPLE_RECIPIENTS[language] ?? (SAMPLE_RECIPIENTS.en as Person);
}

/**
 * Every kind with only its required fields, on a conference with no optional details (no
 * organizers, contacts, website or reply-to), so the build's smoke test walks the other branch of
 * each `{{#if}}`.
 */
export function minimalSamplesFor(recipient: Person): Sample[] {
  const conference: ConferenceInfo = {
    conferenceId: 'minimal',
    name: { en: 'Minimal conference' },
    city: 'Dushanbe',
    venue: 'Hall',
    timeZone: 'Asia/Dushanbe',
    start: '2022-10-18',
    end: '2022-10-18',
    organizers: [],
  };
  const { honorific: _honorific, timeZone: _timeZone, ...plain } = recipient;
  const common = { conference, recipient: plain };
  const session: SessionInfo = {
    sessionId: 's1',
    title: { en: 'Session' },
    start: '2022-10-18T09:00:00+05:00',
    end: '2022-10-18T10:00:00+05:00',
  };
  const samples: { [K in MailKind]: Sample<K>[] } = {
    invitation: [
      {
        kind: 'invitation',
        variant: 'minimal',
        data: { ...common, unsubscribeUrl: UNSUBSCRIBE, registrationUrl: 'https://conference.example.org/r' },
      },
    ],
    confirmation: [
      {
        kind: 'confirmation',
        variant: 'minimal',
        data: { ...common, registrationId: 'R1', role: 'observer', sessions: [] },
      },
    ],
    cancellation: [{ kind: 'cancellation', variant: 'minimal', data: { ...common, registrationId: 'R1' } }],
    reminder: [
      {
        kind: 'reminder',
        variant: 'minimal-conference',
        data: { ...common, unsubscribeUrl: UNSUBSCRIBE, variant: 'conference' },
      },
      {
        kind: 'reminder',
        variant: 'minimal-session',
        data: { ...common, unsubscribeUrl: UNSUBSCRIBE, variant: 'session', session },
      },
    ],
    'agenda-change': [
      {
        kind: 'agenda-change',
        variant: 'minimal',
        data: {
          ...common,
          version: 1,
          changes: [{ before: session, after: { ...session, room: 'Hall B' } }],
        },
      },
    ],
    'media-advisory': [
      {
        kind: 'media-advisory',
        variant: 'minimal',
        data: { ...common, unsubscribeUrl: UNSUBSCRIBE, subject: { en: 'Note' }, body: { en: 'Text.' } },
      },
    ],
    announcement: [
      {
        kind: 'announcement',
        variant: 'minimal',
        data: { ...common, unsubscribeUrl: UNSUBSCRIBE, subject: { en: 'Note' }, body: { en: 'Text.' } },
      },
    ],
    'rsvp-confirmation': [
      { kind: 'rsvp-confirmation', variant: 'minimal', data: { ...common, answer: 'accept' } },
    ],
    'representative-note': [
      {
        kind: 'representative-note',
        variant: 'minimal',
        data: { ...common, inviteeName: 'A', registrationUrl: 'https://conference.example.org/r' },
      },
    ],
  };
  return Object.values(samples).flat() as Sample[];
}
