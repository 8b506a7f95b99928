/** `P7D`, `PT1H`, `P1DT12H` → milliseconds (days, hours and minutes only, as reminder offsets use). */
export function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!m || iso === 'P' || iso.endsWith('T'))
    throw new RangeError(`not an ISO 8601 duration of days/hours/minutes: ${iso}`);
  const [, d = '0', h = '0', min = '0'] = m;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60_000;
}
