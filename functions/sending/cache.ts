/**
 * Memoizes a keyed read for `ttlMs` per execution environment: rows that don't
 * change during a send (the mailing, the conference) are read once per batch
 * rather than once per recipient.
 */
export function cachedReader<T>(
  read: (key: string) => Promise<T>,
  ttlMs: number,
): (key: string) => Promise<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const hit = entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = read(key);
    entries.set(key, { at: now, value });
    // A failed read is not cached.
    value.catch(() => entries.delete(key));
    return value;
  };
}
