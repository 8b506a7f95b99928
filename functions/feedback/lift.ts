/**
 * Suppressions as organizers see and lift them. Lifting an address's suppressions in some
 * scopes, as `communique suppressions lift` and the console's Lift button both do: every active entry in those scopes is lifted, recording who and
 * why; one lifted by someone else meanwhile is skipped (the outcome they wanted is the same).
 */

import type { StoreDeps, SuppressionRow } from '../store/store.js';
import {
  liftSuppressionEntry,
  listSuppressionEntries,
  SuppressionNotFoundError,
  type SuppressionScope,
} from './operations.js';

export interface LiftedSuppression {
  email: string;
  scope: SuppressionScope;
  reason: string;
}

/**
 * Lifts the address's active suppressions in `scopes`. Returns what was lifted, and `found`:
 * how many active entries there were (0: the address was not suppressed there).
 */
export async function liftSuppressions(
  deps: StoreDeps,
  request: { email: string; scopes: readonly SuppressionScope[]; by: string; why: string },
): Promise<{ found: number; lifted: LiftedSuppression[] }> {
  const active = (await listSuppressionEntries(deps, { email: request.email })).filter((r) =>
    (request.scopes as readonly string[]).includes(r.scope),
  );
  const lifted: LiftedSuppression[] = [];
  for (const entry of active) {
    const scope = entry.scope as SuppressionScope;
    try {
      const row = await liftSuppressionEntry(deps, {
        email: request.email,
        scope,
        by: request.by,
        why: request.why,
      });
      lifted.push({ email: row.email, scope, reason: row.reason });
    } catch (error) {
      if (!(error instanceof SuppressionNotFoundError)) throw error;
    }
  }
  return { found: active.length, lifted };
}

/** A suppression as listed (`suppressions list --json`, the console's list), its scope named by the caller. */
export function suppressionListing(r: SuppressionRow, scopeName: (scope: string) => string) {
  return {
    email: r.email,
    scope: scopeName(r.scope),
    reason: r.reason,
    since: r.createdAt,
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.source ? { source: r.source } : {}),
  };
}
