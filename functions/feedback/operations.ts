/**
 * Organizer operations on the suppression list: list it, lift an entry (with
 * who and why, kept beside the address), suppress an address by hand. Thin
 * wrappers over the store that normalize addresses and scopes the way the
 * feedback loop and the unsubscribe endpoint write them, for the CLI to call.
 */

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { contactKeyOf } from '../events/email.js';
import { conferenceScope, GLOBAL_SCOPE, keys, lists } from '../store/model.js';
import {
  applied,
  appliesTo,
  entriesOf,
  getItem,
  listed,
  listSuppressions,
  newestFirst,
  putItem,
  putSuppression,
  type StoreDeps,
  type SuppressionRow,
} from '../store/store.js';

export { listUnmatchedSesEvents, type UnmatchedSesEventRow } from './unmatched.js';

/** `GLOBAL` (bounces, complaints: every conference) or one conference's bulk mail. */
export type SuppressionScope = 'GLOBAL' | `CONF#${string}`;

/** A scope from what an organizer types: `global`, a conference id, or a scope as stored. */
export function suppressionScope(input: { conferenceId?: string } | string): SuppressionScope {
  if (typeof input !== 'string')
    return input.conferenceId ? (conferenceScope(input.conferenceId) as SuppressionScope) : GLOBAL_SCOPE;
  if (input.toUpperCase() === GLOBAL_SCOPE) return GLOBAL_SCOPE;
  return (input.startsWith('CONF#') ? input : conferenceScope(input)) as SuppressionScope;
}

/** A lifted entry as kept: the suppression it was, plus who lifted it, when and why. */
export interface LiftedSuppressionRow extends SuppressionRow {
  liftedBy: string;
  liftedWhy: string;
  liftedAt: string;
}

/** Thrown when lifting a suppression that does not exist (already lifted, or never there). */
export class SuppressionNotFoundError extends Error {
  override name = 'SuppressionNotFoundError';
}

/**
 * Active suppressions, newest first. With `email`, only that address's; with
 * `conferenceId`, only those that stop that conference's bulk mail (global and
 * that conference's own); with `reason`, only that reason.
 */
export async function listSuppressionEntries(
  deps: StoreDeps,
  filter: { email?: string; conferenceId?: string; reason?: SuppressionRow['reason'] } = {},
): Promise<SuppressionRow[]> {
  const rows = filter.email
    ? await entriesOf(deps, contactKeyOf(filter.email))
    : await listSuppressions(deps);
  return rows
    .filter((r) => !(r as Partial<LiftedSuppressionRow>).liftedAt)
    .filter((r) => !filter.conferenceId || appliesTo(r.scope, filter.conferenceId))
    .filter((r) => !filter.reason || r.reason === filter.reason)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Every entry an address ever had: active ones and lifted ones with who lifted them and why. */
export async function suppressionHistory(
  deps: StoreDeps,
  email: string,
): Promise<{ active: SuppressionRow[]; lifted: LiftedSuppressionRow[] }> {
  const rows = await entriesOf(deps, contactKeyOf(email));
  return {
    active: rows.filter((r) => !(r as Partial<LiftedSuppressionRow>).liftedAt),
    lifted: rows.filter((r): r is LiftedSuppressionRow => !!(r as Partial<LiftedSuppressionRow>).liftedAt),
  };
}

/**
 * Lifts one suppression: the address gets that scope's bulk mail again. Who
 * and why are required. The entry is kept beside the address as
 * `LIFTED#<time>#<scope>` with who, why and when (listed on gsi1 under
 * `SUPPRESSION-LIFTS`), written before the entry is removed so that a crash
 * can repeat a lift but never lose its record. The removal is conditional on
 * the entry being the one read, so a suppression written in between (a new
 * bounce) is not lifted unseen.
 *
 * @throws {SuppressionNotFoundError} when there is no such active entry.
 */
export async function liftSuppressionEntry(
  deps: StoreDeps,
  request: { email: string; scope: SuppressionScope; by: string; why: string },
): Promise<SuppressionRow> {
  const by = request.by.trim();
  const why = request.why.trim();
  if (!by || !why) throw new TypeError('lifting a suppression needs who (by) and why');
  const contactKey = contactKeyOf(request.email);
  const key = keys.suppression(contactKey, request.scope);
  const Item = await getItem<Record<string, unknown>>(deps, key);
  if (!Item) throw new SuppressionNotFoundError(`no ${request.scope} suppression for ${request.email}`);
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _gsi1pk,
    gsi1sk: _gsi1sk,
    ...entry
  } = Item as SuppressionRow & Record<'pk' | 'sk' | 'gsi1pk' | 'gsi1sk', string>;
  const liftedAt = deps.now().toISOString();
  await putItem(deps, {
    ...keys.liftedSuppression(contactKey, liftedAt, request.scope),
    ...listed(lists.suppressionLifts, `${liftedAt}#${entry.contactKey}#${request.scope}`),
    ...entry,
    liftedBy: by,
    liftedWhy: why,
    liftedAt,
  });
  const removed = await applied(
    deps.db.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: key,
        ConditionExpression: 'createdAt = :created',
        ExpressionAttributeValues: { ':created': entry.createdAt },
      }),
    ),
  );
  if (!removed) {
    throw new SuppressionNotFoundError(
      `the ${request.scope} suppression for ${request.email} changed while it was being lifted; look again`,
    );
  }
  return entry;
}

/** Lifted suppressions, newest first: who lifted what, when and why. */
export async function listLiftedSuppressions(deps: StoreDeps, limit = 100): Promise<LiftedSuppressionRow[]> {
  return newestFirst<LiftedSuppressionRow>(deps, lists.suppressionLifts, limit);
}

/** Suppresses an address by hand (reason `manual`), e.g. at a person's request by phone. */
export async function suppressManually(
  deps: StoreDeps,
  request: { email: string; scope: SuppressionScope; by: string; why: string },
): Promise<void> {
  const by = request.by.trim();
  const why = request.why.trim();
  if (!by || !why) throw new TypeError('a manual suppression needs who (by) and why');
  await putSuppression(deps, {
    contactKey: contactKeyOf(request.email),
    email: request.email.trim(),
    scope: request.scope,
    reason: 'manual',
    detail: why,
    source: `manual:${by}`,
  });
}
