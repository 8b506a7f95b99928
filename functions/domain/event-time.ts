/**
 * Event times order projections ("latest event wins"). Producers write RFC 3339
 * with any offset and any fraction, which do not sort as text (`12:00+05:00` is
 * before `09:00Z`; `10:00:10.500Z` is after `10:00:10Z`, though "." sorts before
 * "Z"). Every time that orders anything is therefore stored and compared as a
 * fixed-width UTC instant, `YYYY-MM-DDTHH:mm:ss.sssZ`, whose text order is its
 * time order — which is what DynamoDB condition expressions compare.
 */
export function eventInstant(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${JSON.stringify(time)}`);
  return new Date(ms).toISOString();
}

/** True when the event at `a` is not later than the one at `b`, as instants. */
export const notLaterThan = (a: string, b: string): boolean => eventInstant(a) <= eventInstant(b);
