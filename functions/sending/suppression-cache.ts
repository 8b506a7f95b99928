/**
 * The sender's suppression check without a read per delivery.
 *
 * Planning already leaves out every address suppressed when its page was
 * planned (mailing/plan.ts). What the sender must still catch is a suppression
 * that arrived after that: an unsubscribe, bounce or complaint while the
 * mailing sends. Those are the newest entries of the suppression list (gsi1
 * `SUPPRESSIONS`, by creation time), so each sender environment reads the
 * entries created since shortly before the mailing was created — one Query,
 * usually a handful of rows — and keeps them for {@link SUPPRESSION_CACHE_MS}.
 *
 * Bound: a suppression written at time t stops every send checked after
 * t + {@link SUPPRESSION_CACHE_MS} (+ the index's propagation, typically well
 * under a second). Sends checked in between may still go — the same window an
 * unsubscribe has against a message already handed to SES.
 */

import { lists } from '../store/model.js';
import { appliesTo, queryAll, type StoreDeps, type SuppressionRow } from '../store/store.js';

/** How long an environment trusts its copy of the recent suppressions. */
export const SUPPRESSION_CACHE_MS = 10_000;
/**
 * How far before a mailing's creation the read reaches. Feedback dates a
 * suppression by its SES event, which may be older than the moment it was
 * written; a day covers any feedback backlog short of an outage.
 */
const LOOKBACK_MS = 24 * 3_600_000;

interface Entry {
  at: number;
  rows: Map<string, SuppressionRow[]>;
}

/** Reads suppressions created at or after `since` (ISO), keyed by contact key. */
async function recentSuppressions(deps: StoreDeps, since: string): Promise<Map<string, SuppressionRow[]>> {
  const rows = new Map<string, SuppressionRow[]>();
  const query = {
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :since',
    ExpressionAttributeValues: { ':p': lists.suppressions, ':since': since },
  };
  for (const item of await queryAll<SuppressionRow>(deps, query)) {
    const list = rows.get(item.contactKey) ?? [];
    list.push(item);
    rows.set(item.contactKey, list);
  }
  return rows;
}

/**
 * A per-environment cache of the suppressions created since each mailing
 * began. `suppressionsOf` answers the entries that apply to an address for a
 * conference (its global ones and the conference's own), as `suppressionsFor`
 * in the store does — for entries planning could not have seen.
 */
export function suppressionCache(now: () => number = () => Date.now()) {
  const byMailing = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();
  async function entryFor(deps: StoreDeps, mailingId: string, createdAt: string): Promise<Entry> {
    const cached = byMailing.get(mailingId);
    if (cached && now() - cached.at < SUPPRESSION_CACHE_MS) return cached;
    let pending = inFlight.get(mailingId);
    if (!pending) {
      const at = now();
      const since = new Date(Date.parse(createdAt) - LOOKBACK_MS).toISOString();
      pending = recentSuppressions(deps, since)
        .then((rows) => {
          const entry = { at, rows };
          byMailing.set(mailingId, entry);
          return entry;
        })
        .finally(() => inFlight.delete(mailingId));
      inFlight.set(mailingId, pending);
    }
    return pending;
  }
  return {
    async suppressionsOf(
      deps: StoreDeps,
      mailing: { mailingId: string; createdAt: string },
      contactKey: string,
      conferenceId: string,
    ): Promise<SuppressionRow[]> {
      const entry = await entryFor(deps, mailing.mailingId, mailing.createdAt);
      return (entry.rows.get(contactKey) ?? []).filter((r) => appliesTo(r.scope, conferenceId));
    },
  };
}
