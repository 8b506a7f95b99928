/**
 * The unsubscribe endpoint's three small pages — confirm, done, invalid — in
 * English, Russian and Arabic (right to left). Everything interpolated is
 * escaped; the pages load nothing and run no script.
 */

export type PageLanguage = 'en' | 'ru' | 'ar';
export const PAGE_LANGUAGES: readonly PageLanguage[] = ['en', 'ru', 'ar'];

/** `ru-RU`, `RU` → `ru`; anything we have no page for → undefined. */
export function pageLanguageOf(tag: string | undefined): PageLanguage | undefined {
  const primary = (tag ?? '').split('-')[0]?.toLowerCase();
  return PAGE_LANGUAGES.find((l) => l === primary);
}

interface Catalog {
  confirmTitle: string;
  confirmHeading: (conference: string) => string;
  confirmText: (conference: string, email: string) => string;
  button: string;
  doneTitle: string;
  doneText: (conference: string, email: string) => string;
  invalidTitle: string;
  invalidText: string;
}

// Arguments arrive escaped and wrapped in <bdi>, so a Latin name inside Arabic text keeps its order.
const catalogs: Record<PageLanguage, Catalog> = {
  en: {
    confirmTitle: 'Unsubscribe',
    confirmHeading: (c) => `Stop mailings about ${c}?`,
    confirmText: (c, e) =>
      `Invitations, reminders, announcements and media advisories about ${c} will no longer be sent to ${e}. ` +
      'Messages about your own registration — confirmations, cancellations and programme changes — will still reach you.',
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneText: (c, e) =>
      `${e} will receive no more mailings about ${c}. ` +
      'Messages about your own registration will still reach you.',
    invalidTitle: 'This unsubscribe link is not valid',
    invalidText: 'Please use the link in the most recent message you received.',
  },
  ru: {
    confirmTitle: 'Отписка от рассылки',
    confirmHeading: (c) => `Отписаться от рассылок о конференции ${c}?`,
    confirmText: (c, e) =>
      `Приглашения, напоминания, объявления и пресс-релизы о конференции ${c} больше не будут приходить на адрес ${e}. ` +
      'Письма о вашей регистрации — подтверждения, отмены и изменения программы — по-прежнему будут отправляться.',
    button: 'Отписаться',
    doneTitle: 'Вы отписались от рассылки',
    doneText: (c, e) =>
      `На адрес ${e} больше не будут приходить рассылки о конференции ${c}. ` +
      'Письма о вашей регистрации по-прежнему будут отправляться.',
    invalidTitle: 'Ссылка для отписки недействительна',
    invalidText: 'Воспользуйтесь ссылкой из последнего полученного письма.',
  },
  ar: {
    confirmTitle: 'إلغاء الاشتراك',
    confirmHeading: (c) => `هل تريد إيقاف الرسائل المتعلقة بـ ${c}؟`,
    confirmText: (c, e) =>
      `لن تُرسل بعد الآن الدعوات والتذكيرات والإعلانات والبيانات الصحفية المتعلقة بـ ${c} إلى العنوان ${e}. ` +
      'أما الرسائل المتعلقة بتسجيلك، مثل التأكيدات والإلغاءات وتغييرات البرنامج، فستستمر في الوصول إليك.',
    button: 'إلغاء الاشتراك',
    doneTitle: 'تم إلغاء اشتراكك',
    doneText: (c, e) =>
      `لن تصل بعد الآن رسائل جماعية بشأن ${c} إلى العنوان ${e}. ` +
      'وستستمر الرسائل المتعلقة بتسجيلك في الوصول إليك.',
    invalidTitle: 'رابط إلغاء الاشتراك غير صالح',
    invalidText: 'يُرجى استخدام الرابط الوارد في أحدث رسالة تلقيتها.',
  },
};

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const isolate = (text: string) => `<bdi>${escapeHtml(text)}</bdi>`;
// An address reads left to right even inside Arabic text.
const address = (email: string) => `<bdi dir="ltr">${escapeHtml(email)}</bdi>`;

function layout(lang: PageLanguage, title: string, body: string): string {
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;margin:0;padding:2rem 1rem;background:#f5f6f8;color:#1f2328;line-height:1.5}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 1rem}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The confirm page: a form that POSTs the RFC 8058 body back to the same link. */
export function confirmPage(
  lang: PageLanguage,
  view: { conference: string; email: string; formAction: string },
): string {
  const t = catalogs[lang];
  return layout(
    lang,
    t.confirmTitle,
    `<h1>${t.confirmHeading(isolate(view.conference))}</h1>
<p>${t.confirmText(isolate(view.conference), address(view.email))}</p>
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(t.button)}</button>
</form>`,
  );
}

/** The page after unsubscribing (also shown on a GET when already unsubscribed). */
export function donePage(lang: PageLanguage, view: { conference: string; email: string }): string {
  const t = catalogs[lang];
  return layout(
    lang,
    t.doneTitle,
    `<h1>${escapeHtml(t.doneTitle)}</h1>
<p>${t.doneText(isolate(view.conference), address(view.email))}</p>`,
  );
}

/** The answer to any bad request: the same words whatever was wrong. */
export function invalidPage(lang: PageLanguage): string {
  const t = catalogs[lang];
  return layout(
    lang,
    t.invalidTitle,
    `<h1>${escapeHtml(t.invalidTitle)}</h1>\n<p>${escapeHtml(t.invalidText)}</p>`,
  );
}
