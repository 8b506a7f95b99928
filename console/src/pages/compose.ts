/**
 * New mailing: kind, audience (live count and language mix), per-language subject and Markdown
 * body with the real rendered mail beside it, embargo and sendAt, then dry run → test send →
 * confirm. A large audience asks for its size to be typed before it goes.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure, get, type Me, post, type Rendered } from '../api';
import { CONFERENCE } from '../conference';
import { debounce, html, MailView, messageOf, Notice } from '../ui';

const ROLES = ['delegate', 'speaker', 'observer', 'press', 'staff'];
const LANGS = [
  { tag: 'en', name: 'English', dir: 'ltr' },
  { tag: 'ru', name: 'Russian', dir: 'ltr' },
  { tag: 'ar', name: 'Arabic', dir: 'rtl' },
] as const;
/** Above this many recipients the count must be typed (the API enforces the same). */
const TYPE_ABOVE = 50;

type Text3 = Record<'en' | 'ru' | 'ar', string>;
const empty3 = (): Text3 => ({ en: '', ru: '', ar: '' });

interface DryRun {
  mailingId: string;
  preview: { total: number; perLanguage: Record<string, number>; subjects: Record<string, string> };
}

function list(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function Checks(props: {
  legend: string;
  name: string;
  options: string[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return html`<fieldset class="checks">
    <legend>${props.legend} <span class="muted">(none ticked: everyone)</span></legend>
    ${props.options.map(
      (
        o,
      ) => html`<label><input type="checkbox" name=${props.name} value=${o} checked=${props.value.includes(o)}
        onChange=${(e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          props.onChange(on ? [...props.value, o] : props.value.filter((v) => v !== o));
        }} /> ${o}</label>`,
    )}
  </fieldset>`;
}

export function Compose({ me }: { me: Me }) {
  const kinds = me.can.composeKinds;
  const withContent = useMemo(() => new Set(me.can.contentKinds), [me]);
  const [kind, setKind] = useState(kinds.includes('announcement') ? 'announcement' : (kinds[0] ?? ''));
  const [roles, setRoles] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  const [countries, setCountries] = useState('');
  const [sessions, setSessions] = useState<string[]>([]);
  const [contacts, setContacts] = useState('');
  const [subject, setSubject] = useState<Text3>(empty3());
  const [body, setBody] = useState<Text3>(empty3());
  const [embargo, setEmbargo] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [known, setKnown] = useState<{ sessions: string[]; countries: string[] }>({
    sessions: [],
    countries: [],
  });
  const [count, setCount] = useState<{ total: number; perLanguage: Record<string, number> } | undefined>();
  const [countError, setCountError] = useState<unknown>();
  const [preview, setPreview] = useState<Rendered[] | undefined>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [previewLang, setPreviewLang] = useState<'en' | 'ru' | 'ar'>('en');
  const [dry, setDry] = useState<DryRun | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [ok, setOk] = useState<string | undefined>();
  const [typed, setTyped] = useState('');

  useEffect(() => {
    get<{ sessions?: string[]; countries?: string[] }>(`/api/conferences/${CONFERENCE}/overview`).then(
      (o) => setKnown({ sessions: o.sessions ?? [], countries: o.countries ?? [] }),
      () => undefined,
    );
  }, []);

  const request = useMemo(() => {
    const audience: Record<string, string[]> = {};
    if (roles.length) audience.roles = roles;
    if (languages.length) audience.languages = languages;
    if (list(countries).length) audience.countries = list(countries).map((c) => c.toUpperCase());
    if (sessions.length) audience.sessions = sessions;
    if (list(contacts).length) audience.contactIds = list(contacts);
    const r: Record<string, unknown> = { kind, audience };
    if (withContent.has(kind)) {
      const s: Record<string, string> = {};
      const b: Record<string, string> = {};
      for (const { tag } of LANGS) {
        if (subject[tag] || body[tag] || tag === 'en') {
          s[tag] = subject[tag];
          b[tag] = body[tag];
        }
      }
      r.content = { subject: s, body: b, ...(embargo ? { embargoUntil: embargo } : {}) };
    }
    if (sendAt) r.sendAt = sendAt;
    return r;
  }, [kind, roles, languages, countries, sessions, contacts, subject, body, embargo, sendAt]);
  const key = JSON.stringify(request);

  // A change after the dry run makes it stale: the organizer runs it again.
  useEffect(() => setDry(undefined), [key]);

  // Answers can come back out of order: only the latest request's answer is shown.
  const latest = useRef(0);
  const refresh = useMemo(
    () =>
      debounce((req: Record<string, unknown>) => {
        const n = ++latest.current;
        const current = () => n === latest.current;
        post<{ total: number; perLanguage: Record<string, number> }>(
          `/api/conferences/${CONFERENCE}/audience`,
          {
            kind: req.kind,
            audience: req.audience,
          },
        ).then(
          (c) => {
            if (!current()) return;
            setCount(c);
            setCountError(undefined);
          },
          (e: unknown) => current() && setCountError(e),
        );
        post<{ languages: Rendered[] }>(`/api/conferences/${CONFERENCE}/preview`, req).then(
          (p) => {
            if (!current()) return;
            setPreview(p.languages);
            setPreviewError(undefined);
          },
          (e: unknown) => current() && setPreviewError(e),
        );
      }, 350),
    [],
  );
  useEffect(() => {
    if (kind) refresh(request);
  }, [key]);

  async function act<T>(fn: () => Promise<T>, done: (t: T) => void) {
    setBusy(true);
    setError(undefined);
    setOk(undefined);
    try {
      done(await fn());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const dryRun = () =>
    act(
      () =>
        post<DryRun>(`/api/conferences/${CONFERENCE}/mailings`, {
          ...request,
          ...(dry ? { mailingId: dry.mailingId } : {}),
        }),
      (d) => {
        setDry(d);
        setTyped('');
        setOk(`Dry run ${d.mailingId}: ${d.preview.total} recipient(s). Nothing was sent.`);
      },
    );
  const testSend = () =>
    dry &&
    act(
      () =>
        post<{ to: string; subject: string }>(
          `/api/mailings/${encodeURIComponent(dry.mailingId)}/test-send`,
          { language: previewLang },
        ),
      (r) => setOk(`Test sent to ${r.to}: “${r.subject}”.`),
    );
  const confirm = () =>
    dry &&
    act(
      () => post(`/api/mailings/${encodeURIComponent(dry.mailingId)}/confirm`, { typedCount: Number(typed) }),
      () => {
        location.hash = `#/mailings/${encodeURIComponent(dry.mailingId)}`;
      },
    );

  const problems = error instanceof ApiFailure ? (error.detail?.problems ?? []) : [];
  const total = dry?.preview.total ?? 0;
  const mustType = total > TYPE_ABOVE;
  const shown = preview?.find((p) => p.language === previewLang);

  return html`<section class="compose">
    <h1 tabindex="-1">New mailing</h1>
    <p class="muted">The console speaks English; the mail is previewed in English, Russian and Arabic.</p>
    <div class="split">
      <form class="editor" onSubmit=${(e: Event) => {
        e.preventDefault();
        void dryRun();
      }}>
        <label class="field">Kind
          <select name="kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
            ${kinds.map((k) => html`<option value=${k}>${k}</option>`)}
          </select>
        </label>
        <h2>Audience</h2>
        <${Checks} legend="Roles" name="roles" options=${ROLES} value=${roles} onChange=${setRoles} />
        <${Checks} legend="Languages" name="languages" options=${['en', 'ru', 'ar']} value=${languages} onChange=${setLanguages} />
        ${known.sessions.length ? html`<${Checks} legend="Sessions" name="sessions" options=${known.sessions} value=${sessions} onChange=${setSessions} />` : null}
        <label class="field">Countries <span class="muted">(ISO codes, e.g. TJ, DE${known.countries.length ? `; registered: ${known.countries.slice(0, 12).join(' ')}` : ''})</span>
          <input name="countries" value=${countries} onInput=${(e: Event) => setCountries((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">Explicit list <span class="muted">(registration or contact ids, separated by spaces or commas)</span>
          <textarea name="contacts" rows="2" value=${contacts} onInput=${(e: Event) => setContacts((e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        <p class="count" role="status" aria-live="polite" data-testid="audience-count">
          ${count ? html`<strong>${count.total}</strong> recipient(s)${Object.keys(count.perLanguage).length ? ': ' : ''}${Object.entries(count.perLanguage).map(([l, n]) => html`<span class="c">${l} ${n}</span> `)}` : countError ? 'The audience could not be counted (see below).' : 'Counting…'}
        </p>
        <${Notice} error=${countError} />
        ${
          withContent.has(kind)
            ? html`<h2>Content</h2>
              ${LANGS.map(
                (l) => html`<fieldset class="lang">
                  <legend>${l.name} (${l.tag})${l.tag === 'en' ? ' — required, the fallback' : ' — optional'}</legend>
                  <label class="field">Subject (${l.tag})
                    <input name=${`subject-${l.tag}`} lang=${l.tag} dir=${l.dir} value=${subject[l.tag]} aria-invalid=${problems.some((p) => p.field.startsWith(`subject.${l.tag}`)) || undefined}
                      onInput=${(e: Event) => setSubject({ ...subject, [l.tag]: (e.target as HTMLInputElement).value })} />
                  </label>
                  <label class="field">Body (${l.tag}, Markdown)
                    <textarea name=${`body-${l.tag}`} lang=${l.tag} dir=${l.dir} rows="6" value=${body[l.tag]}
                      onInput=${(e: Event) => setBody({ ...body, [l.tag]: (e.target as HTMLTextAreaElement).value })}></textarea>
                  </label>
                </fieldset>`,
              )}
              <label class="field">Embargo until <span class="muted">(ISO date-time with offset, e.g. 2022-10-18T09:30:00+05:00)</span>
                <input name="embargo" value=${embargo} onInput=${(e: Event) => setEmbargo((e.target as HTMLInputElement).value)} />
              </label>`
            : null
        }
        <label class="field">Send at <span class="muted">(leave empty to send on confirm; ISO date-time with offset)</span>
          <input name="sendAt" value=${sendAt} onInput=${(e: Event) => setSendAt((e.target as HTMLInputElement).value)} />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled=${busy || !kind}>${dry ? 'Run the dry run again' : 'Dry run'}</button>
        </div>
        <${Notice} error=${error} ok=${ok} />
        ${problems.length ? html`<ul class="problems">${problems.map((p) => html`<li>${p.message}</li>`)}</ul>` : null}
        ${
          dry
            ? html`<section class="card" aria-labelledby="dry-h">
              <h2 id="dry-h">Dry run: ${dry.preview.total} recipient(s)</h2>
              <table>
                <caption class="sr">Recipients and sample subject per language</caption>
                <thead><tr><th scope="col">Language</th><th scope="col" class="num">Recipients</th><th scope="col">Sample subject</th></tr></thead>
                <tbody>${Object.entries(dry.preview.perLanguage).map(
                  ([l, n]) =>
                    html`<tr><th scope="row">${l}</th><td class="num">${n}</td><td lang=${l} dir=${l === 'ar' ? 'rtl' : 'ltr'}>${dry.preview.subjects[l] ?? ''}</td></tr>`,
                )}</tbody>
              </table>
              <div class="row">
                <button type="button" disabled=${busy} onClick=${testSend}>Send a test to me (${me.email ?? 'no address'}, ${previewLang})</button>
              </div>
              ${
                mustType
                  ? html`<label class="field">This goes to ${total} people: type ${total} to confirm
                <input name="typedCount" inputmode="numeric" value=${typed} onInput=${(e: Event) => setTyped((e.target as HTMLInputElement).value)} /></label>`
                  : null
              }
              <div class="row">
                <button type="button" class="primary" disabled=${busy || total === 0 || (mustType && Number(typed) !== total)} onClick=${confirm}>
                  Confirm: send to ${total} recipient(s)${sendAt ? ` at ${sendAt}` : ' now'}
                </button>
              </div>
            </section>`
            : null
        }
      </form>
      <section class="preview" aria-labelledby="preview-h">
        <h2 id="preview-h">Preview</h2>
        <fieldset class="seg">
          <legend>Language</legend>
          ${LANGS.map(
            (l) =>
              html`<label><input type="radio" name="preview-lang" value=${l.tag} checked=${previewLang === l.tag} onChange=${() => setPreviewLang(l.tag)} /> ${l.name}</label>`,
          )}
        </fieldset>
        ${previewError ? html`<p class="notice error" role="alert">Preview: ${messageOf(previewError)}</p>` : null}
        ${shown ? html`<${MailView} mail=${shown} idPrefix="compose" key=${shown.language} />` : previewError ? null : html`<p role="status">Rendering…</p>`}
      </section>
    </div>
  </section>`;
}
