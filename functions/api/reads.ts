/**
 * Read models of the console: the conference overview, the press list, mailings, rejected events
 * and suppressions. Each is a Query (no Scan) over the same store the CLI reads.
 */

import { suppressionListing } from '../feedback/lift.js';
import { listSuppressionEntries, suppressionScope } from '../feedback/operations.js';
import { inviteeTally } from '../invitations/listing.js';
import { isListedByDefault, isPressKind } from '../kinds/index.js';
import { primaryLanguage } from '../lib/text.js';
import { rejectionListing } from '../mailing/listings.js';
import { listInvitees } from '../store/invitees.js';
import type { MailingRow, PressRow, RegistrationRow } from '../store/model.js';
import { DELIVERY_STATES } from '../store/model.js';
import { listMailings, listRejections, pageOfContacts } from '../store/store.js';
import type { ApiDeps } from './deps.js';
import { badRequest, pageOf } from './http.js';
import { requireConference } from './mailings.js';

async function allContacts<T extends RegistrationRow | PressRow>(
  deps: ApiDeps,
  conferenceId: string,
  prefix: 'REG#' | 'PRESS#',
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await pageOfContacts<T>(deps.pipeline, conferenceId, prefix, cursor, 500);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

function tally(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

/** A mailing as the lists show it: its state and how far it got. */
export function mailingSummary(m: MailingRow) {
  const counts = Object.fromEntries(DELIVERY_STATES.map((s) => [s, Number(m[`count_${s}`] ?? 0)]));
  const total = m.state === 'dry-run' ? (m.preview?.total ?? 0) : m.total;
  const pending = (counts.queued ?? 0) + (counts.sending ?? 0) + (counts.delayed ?? 0);
  return {
    mailingId: m.mailingId,
    kind: m.kind,
    state: m.state,
    total,
    settled: m.state === 'dry-run' ? 0 : Math.max(0, m.total - pending),
    counts,
    requestedBy: m.requestedBy,
    createdAt: m.createdAt,
    ...(m.sendAt ? { sendAt: m.sendAt } : {}),
  };
}

/** The conference with its registrations by role, language and country, invitees by answer and group, press count and mailings. */
export async function overview(deps: ApiDeps, conferenceId: string, options: { pressOnly: boolean }) {
  const conference = await requireConference(deps, conferenceId);
  const press = (await allContacts<PressRow>(deps, conferenceId, 'PRESS#')).filter(
    (p) => p.status === 'active',
  );
  const facts = {
    conferenceId: conference.conferenceId,
    name: conference.name,
    city: conference.city,
    venue: conference.venue,
    start: conference.start,
    end: conference.end,
    timeZone: conference.timeZone,
    languages: conference.languages,
  };
  const mailings = (await listMailings(deps.pipeline, conferenceId))
    .filter((m) => isListedByDefault(m.kind))
    .filter((m) => !options.pressOnly || isPressKind(m.kind))
    .slice(0, 20)
    .map(mailingSummary);
  if (options.pressOnly) return { conference: facts, pressContacts: press.length, mailings };
  const registrations = (await allContacts<RegistrationRow>(deps, conferenceId, 'REG#')).filter(
    (r) => r.status === 'active',
  );
  return {
    conference: facts,
    registrations: {
      total: registrations.length,
      byRole: tally(registrations.map((r) => r.role)),
      byLanguage: tally(registrations.map((r) => primaryLanguage(r.language))),
      byCountry: tally(registrations.map((r) => r.country ?? '—')),
    },
    sessions: [...new Set(registrations.flatMap((r) => r.sessions))].sort(),
    countries: [...new Set(registrations.map((r) => r.country).filter((c): c is string => !!c))].sort(),
    pressContacts: press.length,
    invitees: inviteeTally(await listInvitees(deps.pipeline, conferenceId)),
    mailings,
  };
}

export async function pressContacts(
  deps: ApiDeps,
  conferenceId: string,
  query: Record<string, string | undefined>,
) {
  await requireConference(deps, conferenceId);
  const rows = (await allContacts<PressRow>(deps, conferenceId, 'PRESS#'))
    .filter((p) => p.status === 'active')
    .map((p) => ({
      contactId: p.contactId,
      email: p.email,
      name: `${p.givenName} ${p.familyName}`.trim(),
      outlet: p.outlet,
      language: primaryLanguage(p.language),
      country: p.country,
    }));
  return pageOf(rows, query);
}

export async function mailingsPage(
  deps: ApiDeps,
  conferenceId: string,
  query: Record<string, string | undefined>,
  options: { pressOnly: boolean },
) {
  const rows = (await listMailings(deps.pipeline, conferenceId))
    .filter((m) => query.all === '1' || isListedByDefault(m.kind))
    .filter((m) => !options.pressOnly || isPressKind(m.kind))
    .map(mailingSummary);
  return pageOf(rows, query);
}

export async function rejectionsPage(deps: ApiDeps, query: Record<string, string | undefined>) {
  const rows = await listRejections(deps.pipeline, 1000);
  return pageOf(rows.map(rejectionListing), query);
}

export const SUPPRESSION_REASONS = ['bounce', 'complaint', 'unsubscribe', 'rejected', 'manual'] as const;

export async function suppressionsPage(
  deps: ApiDeps,
  conferenceId: string,
  query: Record<string, string | undefined>,
) {
  const reason = query.reason || undefined;
  if (reason && !(SUPPRESSION_REASONS as readonly string[]).includes(reason)) {
    throw badRequest(`reason must be one of ${SUPPRESSION_REASONS.join(', ')}.`);
  }
  const email = (query.email ?? '').trim();
  const rows = await listSuppressionEntries(deps.pipeline, {
    conferenceId,
    ...(reason ? { reason: reason as (typeof SUPPRESSION_REASONS)[number] } : {}),
  });
  const scopeName = (s: string) =>
    s === 'GLOBAL' ? 'global' : s === suppressionScope({ conferenceId }) ? 'conference' : s;
  return pageOf(
    rows
      .filter((r) => !email || r.email.toLowerCase().includes(email.toLowerCase()))
      .map((r) => suppressionListing(r, scopeName)),
    query,
  );
}
