/** The suppression list: one entry per address and scope (`GLOBAL` or one conference's bulk mail). */
import { conferenceScope, GLOBAL_SCOPE, keys, lists, partitions } from './model.js';
import { batchGet, inPartition, listed, newestFirst, putItem, queryAll, type StoreDeps } from './table.js';

export interface SuppressionRow {
  contactKey: string;
  email: string;
  scope: string;
  reason: 'bounce' | 'complaint' | 'unsubscribe' | 'rejected' | 'manual';
  detail?: string;
  source?: string;
  createdAt: string;
}

export async function putSuppression(deps: StoreDeps, row: Omit<SuppressionRow, 'createdAt'>): Promise<void> {
  const createdAt = deps.now().toISOString();
  await putItem(deps, {
    ...keys.suppression(row.contactKey, row.scope),
    ...listed(lists.suppressions, `${createdAt}#${row.contactKey}#${row.scope}`),
    ...row,
    createdAt,
  });
}

/** Every entry kept under an address: its suppressions, and the lifted ones beside them. */
export function entriesOf<T = SuppressionRow>(
  deps: StoreDeps,
  contactKey: string,
  extra: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } = {},
): Promise<T[]> {
  return queryAll<T>(deps, { ...inPartition(partitions.suppressions(contactKey)), ...extra });
}

/** Whether a suppression of `scope` applies to conference `cid`: a global one, or the conference's own. */
export const appliesTo = (scope: string, cid: string): boolean =>
  scope === GLOBAL_SCOPE || scope === conferenceScope(cid);

/** Suppressions that apply to an address for a conference: its global ones and the conference's. */
export async function suppressionsFor(
  deps: StoreDeps,
  contactKey: string,
  cid: string,
): Promise<SuppressionRow[]> {
  const rows = await entriesOf<SuppressionRow & { sk: string }>(deps, contactKey);
  return rows.filter((r) => appliesTo(r.sk, cid));
}

/**
 * Which of `contactKeys` have a suppression that applies to conference `cid`
 * (a global one or the conference's own): the same answer as
 * {@link suppressionsFor}, for a whole page of contacts in one BatchGetItem
 * per 50 contacts instead of one Query each.
 */
export async function suppressedAmong(
  deps: StoreDeps,
  contactKeys: string[],
  cid: string,
): Promise<Set<string>> {
  const wanted = [...new Set(contactKeys)].flatMap((ck) => [
    keys.suppression(ck, GLOBAL_SCOPE),
    keys.suppression(ck, conferenceScope(cid)),
  ]);
  const found = await batchGet<{ contactKey: string }>(deps, wanted, 'contactKey');
  return new Set(found.map((item) => String(item.contactKey)));
}

export function listSuppressions(deps: StoreDeps): Promise<SuppressionRow[]> {
  return newestFirst<SuppressionRow>(deps, lists.suppressions);
}
