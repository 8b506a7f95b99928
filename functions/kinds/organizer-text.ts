/** The organizer-written subject and Markdown body that kinds with `organizerContent` carry. */
import type { Localized } from '../render/types.js';
import type { ViewHelpers } from '../render/view.js';
import type { ViewDataInput } from './define.js';

/** The organizer's text of a mailing; blank English when absent (the intake requires it). */
export function organizerText(mailing: ViewDataInput['mailing']): { subject: Localized; body: Localized } {
  return { subject: mailing.content?.subject ?? { en: '' }, body: mailing.content?.body ?? { en: '' } };
}

/** The organizer's text as the templates read it: a one-line headline, the body as HTML and text. */
export function organizerTextContext(
  data: { readonly subject: Localized; readonly body: Localized },
  h: ViewHelpers,
): { headline: string; bodyHtml: string; bodyText: string } {
  const body = h.markdown(h.pick(data.body));
  return { headline: h.singleLine(h.pick(data.subject)), bodyHtml: body.html, bodyText: body.text };
}
