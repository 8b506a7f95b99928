import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEMO_INVITEES, demoInviteeEvents } from '../../demo/invitees.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';

describe('demo invitees', () => {
  it('are the people of demo/invitees.csv, as valid invitee.upserted events', () => {
    const rows = parse(readFileSync('demo/invitees.csv', 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(DEMO_INVITEES.map((p) => p.email)).toEqual(rows.map((r) => r.email));
    expect(DEMO_INVITEES.map((p) => p.group)).toEqual(rows.map((r) => r.group));
    for (const event of demoInviteeEvents()) expect(validateIntakeEvent(event).ok).toBe(true);
  });
});
