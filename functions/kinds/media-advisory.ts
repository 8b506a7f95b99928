/** `media-advisory` (bulk, organizer mailing to the press): organizer text, embargo line, accreditation. */
import type { BulkMailBase, Localized } from '../render/types.js';
import { defineKind } from './define.js';
import { organizerText, organizerTextContext } from './organizer-text.js';

/** Accreditation details in a media advisory. */
export interface Accreditation {
  readonly url?: string | undefined;
  /** ISO date or date-time. */
  readonly deadline?: string | undefined;
  /** Organizer Markdown. */
  readonly note?: Localized | undefined;
}

/** The view data of a media advisory. */
export interface MediaAdvisoryData extends BulkMailBase {
  readonly subject: Localized;
  /** Organizer Markdown (raw HTML is not rendered; links only http(s) and mailto). */
  readonly body: Localized;
  /** ISO date-time; shown as an embargo line at the top. */
  readonly embargoUntil?: string | undefined;
  readonly accreditation?: Accreditation | undefined;
}

export const mediaAdvisory = defineKind<MediaAdvisoryData>()({
  name: 'media-advisory',
  bulk: true,
  organizerMailing: true,
  organizerContent: true,
  audience: 'press',
  listedByDefault: true,
  rsvpLink: false,
  subjectLabels: [
    'media advisory',
    'press advisory',
    'media alert',
    'информация для сми',
    'анонс для сми',
    'медиа-анонс',
    'пресс-анонс',
    'مذكرة إعلامية',
    'مذكرة للإعلام',
  ],
  viewData: (input) => ({
    ...input.base,
    unsubscribeUrl: input.unsubscribeUrl,
    ...organizerText(input.mailing),
    embargoUntil: input.mailing.content?.embargoUntil,
    accreditation: { url: input.conference.website },
  }),
  context: (data, ctx, h) => {
    const accreditation = data.accreditation;
    const note = accreditation?.note === undefined ? null : h.markdown(h.pick(accreditation.note));
    return {
      ...ctx,
      ...organizerTextContext(data, h),
      // "Media advisory:" is the template's own lead; an organizer who typed it too gets it once.
      headline: h.withoutKindPrefix('media-advisory', h.singleLine(h.pick(data.subject))),
      embargo:
        data.embargoUntil === undefined
          ? null
          : h.dates.atVenue(h.instant(data.embargoUntil, 'embargoUntil'), null, h.venueZone, h.city),
      accreditation:
        accreditation === undefined
          ? null
          : {
              url: h.safeUrl(accreditation.url),
              deadline:
                accreditation.deadline === undefined ? null : h.dayOrTime(accreditation.deadline, 'deadline'),
              noteHtml: note?.html ?? null,
              noteText: note?.text ?? null,
            },
    };
  },
});
