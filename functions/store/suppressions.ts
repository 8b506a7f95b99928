/** The suppression list: one entry per address and scope (`GLOBAL` or one conference's bulk mail). */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { conferenceScope, GLOBAL_SCOPE, keys, lists, partitions } from './model.js';
import { inPartition, listed, newestFirst, putItem, queryAll, type StoreDeps } from './table.js';

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
  const found = new Set<string>();
  const wanted = [...new Set(contactKeys)].flatMap((ck) => [
    keys.suppression(ck, GLOBAL_SCOPE),
    keys.suppression(ck, conferenceScope(cid)),
  ]);
  for (let i = 0; i < wanted.length; i += 100) {
    let request: Record<string, { pk: string; sk: string }[]> | undefined = {
      [deps.table]: wanted.slice(i, i + 100),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const result = await deps.db.send(
        new BatchGetCommand({
          RequestItems: Object.fromEntries(
            Object.entries(request).map(([table, k]) => [
              table,
              { Keys: k, ProjectionExpression: 'contactKey', ConsistentRead: true },
            ]),
          ),
        }),
      );
      for (const item of result.Responses?.[deps.table] ?? []) found.add(String(item.contactKey));
      const left = result.UnprocessedKeys?.[deps.table]?.Keys as { pk: string; sk: string }[] | undefined;
      request = left && left.length > 0 ? { [deps.table]: left } : undefined;
    }
  }
  return found;
}

export function listSuppressions(deps: StoreDeps): Promise<SuppressionRow[]> {
  return newestFirst<SuppressionRow>(deps, lists.suppressions);
}
