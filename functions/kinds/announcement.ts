/** `announcement` (bulk, organizer mailing): organizer-written subject and Markdown body. */
import type { BulkMailBase, Localized } from '../render/types.js';
import { defineKind } from './define.js';
import { organizerText, organizerTextContext } from './organizer-text.js';

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
    ...organizerText(input.mailing),
  }),
  context: (data, ctx, h) => ({ ...ctx, ...organizerTextContext(data, h) }),
});
