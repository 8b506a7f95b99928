import type { AcceptedMail } from './ses.js';

/** Placeholder: the feedback step produces SES-shaped events here. */
export function sesEventsFor(_mail: AcceptedMail): unknown[] {
  return [];
}
