/** `announcement` (bulk, organizer mailing): organizer-written subject and Markdown body. */
import type { BulkMailBase, Localized } from '../render/types.js';
import { defineKind } from './define.js';

/** The view data of an announcement. */
export interface AnnouncementData extends BulkMailBase {
  readonly subject: Localized;
  readonly body: Localized;
}

export const announcement = defineKind<AnnouncementData>()({
  name: 'announcement',
  bulk: true,
  organizerMailing: true,
  organizerContent: true,
  listedByDefault: true,
  rsvpLink: false,
  viewData: (input) => ({
    ...input.base,
    unsubscribeUrl: input.unsubscribeUrl,
    subject: input.mailing.content?.subject ?? { en: '' },
    body: input.mailing.content?.body ?? { en: '' },
  }),
  context: (data, ctx, h) => {
    const body = h.markdown(h.pick(data.body));
    return {
      ...ctx,
      headline: h.singleLine(h.pick(data.subject)),
      bodyHtml: body.html,
      bodyText: body.text,
    };
  },
});
