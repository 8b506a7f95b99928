/**
 * The golden table of forms of address: honorific × rank × gender, with the salutation and the
 * first in-text reference a reader of each language should see. Written by hand and reviewed
 * against the sources cited in functions/render/address-table.ts; the unit test renders each case
 * through the real confirmation template and compares the parsed HTML, and the preview gallery
 * shows the table (`preview/address.html`).
 *
 * The cases themselves are data, kept in `address-golden.json` (one object per case, the expected
 * forms per language); this module gives them their type.
 */
import type { Person } from '../functions/render/types.js';
import table from './address-golden.json' with { type: 'json' };

/** One language's expected forms. */
export interface GoldenForms {
  readonly salutation: string;
  readonly reference: string;
}

/** One case of the golden table. */
export interface GoldenCase {
  readonly id: string;
  /** The rank the case exercises (documentation; the renderer derives it). */
  readonly rank: string;
  readonly person: Pick<Person, 'givenName' | 'familyName' | 'honorific' | 'gender' | 'title'>;
  readonly en: GoldenForms;
  readonly ru: GoldenForms;
  readonly ar: GoldenForms;
}

/** Every case, in the order the gallery shows them. */
export const ADDRESS_GOLDEN = table as readonly GoldenCase[];
