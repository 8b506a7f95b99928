/**
 * `--audience` syntax: comma-separated `key=value` filters; a bare value continues the previous key,
 * so `roles=delegate,speaker,languages=ru` means roles delegate or speaker, and language ru. Every
 * filter given must match (AND); values of one filter are alternatives (OR). `all` means everyone.
 * The values themselves are checked by the event schema, so the rules live in one place.
 */
import { RefusedError } from './errors.js';

/** The audience object of `mailing.requested`, before schema validation. */
export type AudienceInput = Partial<
  Record<'roles' | 'languages' | 'countries' | 'sessions' | 'contactIds' | 'groups' | 'rsvp', string[]>
>;

const KEYS: Record<string, keyof AudienceInput> = {
  role: 'roles',
  roles: 'roles',
  language: 'languages',
  languages: 'languages',
  lang: 'languages',
  langs: 'languages',
  country: 'countries',
  countries: 'countries',
  session: 'sessions',
  sessions: 'sessions',
  contact: 'contactIds',
  contacts: 'contactIds',
  contactid: 'contactIds',
  contactids: 'contactIds',
  id: 'contactIds',
  ids: 'contactIds',
  group: 'groups',
  groups: 'groups',
  rsvp: 'rsvp',
};

/** Parses one or more `--audience` values (repeated flags add filters). */
export function parseAudience(specs: readonly string[]): AudienceInput {
  const audience: AudienceInput = {};
  const tokens = specs
    .flatMap((s) => s.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 1 && /^(all|everyone)$/i.test(tokens[0] ?? '')) return audience;
  if (tokens.length === 0) {
    throw new RefusedError(
      '--audience is empty; write filters such as roles=delegate,languages=ru, or "all" for everyone.',
    );
  }
  let current: keyof AudienceInput | undefined;
  for (const token of tokens) {
    const eq = token.indexOf('=');
    let values: string;
    if (eq >= 0) {
      const rawKey = token.slice(0, eq).trim();
      const key = KEYS[rawKey.toLowerCase().replace(/[-_]/g, '')];
      if (!key) {
        throw new RefusedError(
          `--audience: unknown filter "${rawKey}"; use roles, languages, countries, sessions, contacts, groups or rsvp (e.g. roles=delegate,languages=ru; groups=observers,rsvp=no-answer).`,
        );
      }
      current = key;
      values = token.slice(eq + 1);
    } else {
      if (!current) {
        throw new RefusedError(
          `--audience: "${token}" has no filter name; write e.g. roles=${token} (filters: roles, languages, countries, sessions, contacts).`,
        );
      }
      values = token;
    }
    const list = audience[current] ?? [];
    audience[current] = list;
    for (const v of values.split(/[+|]/).map((x) => x.trim())) {
      if (v === '') throw new RefusedError(`--audience: "${token}" has an empty value.`);
      if (!list.includes(v)) list.push(v);
    }
  }
  return audience;
}

/** The audience in the CLI's own syntax, for messages and tables. */
export function formatAudience(audience: AudienceInput | undefined): string {
  if (!audience) return 'everyone';
  const parts = Object.entries(audience)
    .filter(([, v]) => Array.isArray(v) && v.length > 0)
    .map(([k, v]) => `${k === 'contactIds' ? 'contacts' : k}=${(v as string[]).join('+')}`);
  return parts.length > 0 ? parts.join(',') : 'everyone';
}
