/**
 * Memoizes a keyed read for `ttlMs` per execution environment: rows that don't
 * change during a send (the mailing, the conference) are read once per batch
 * rather than once per recipient. `forget(key)` drops an entry the caller knows
 * has changed (the sender, after pausing a mailing).
 */
export function cachedReader<T>(
  read: (key: string) => Promise<T>,
  ttlMs: number,
): ((key: string) => Promise<T>) & { forget(key: string): void } {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  const reader = (key: string) => {
    const hit = entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = read(key);
    const entry = { at: now, value };
    entries.set(key, entry);
    // A failed read is not cached.
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  };
  return Object.assign(reader, { forget: (key: string) => void entries.delete(key) });
}
