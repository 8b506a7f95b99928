/**
 * New mailing: kind, audience (live count and language mix), per-language subject and Markdown
 * body with the real rendered mail beside it, embargo and sendAt, then dry run → test send →
 * confirm. A large audience asks for its size to be typed before it goes.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure, get, type Me, post, type Rendered } from '../api';
import { CONFERENCE } from '../conference';
import { t } from '../i18n';
import { debounce, html, kindName, MailView, messageOf, Notice, roleName } from '../ui';

const ROLES = ['delegate', 'speaker', 'observer', 'press', 'staff'];
const LANGS = [
  { tag: 'en', dir: 'ltr' },
  { tag: 'ru', dir: 'ltr' },
  { tag: 'ar', dir: 'rtl' },
] as const;
const langName = (tag: string) => t(`lang-${tag}`);
/** The audience filter's RSVP spellings (functions/events/schemas.ts, RSVP_FILTERS). */
const RSVP_FILTERS = ['no-answer', 'accepted', 'declined', 'delegated'];
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
  noneMeans?: string;
  label?: (option: string) => string;
}) {
  const label = props.label ?? ((o: string) => o);
  return html`<fieldset class="checks">
    <legend>${props.legend} <span class="muted">${t('none-ticked', { means: props.noneMeans ?? t('everyone') })}</span></legend>
    ${props.options.map(
      (
        o,
      ) => html`<label><input type="checkbox" name=${props.name} value=${o} checked=${props.value.includes(o)}
        onChange=${(e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          props.onChange(on ? [...props.value, o] : props.value.filter((v) => v !== o));
        }} /> <bdi>${label(o)}</bdi></label>`,
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
  const [groups, setGroups] = useState<string[]>([]);
  const [rsvp, setRsvp] = useState<string[]>([]);
  const [subject, setSubject] = useState<Text3>(empty3());
  const [body, setBody] = useState<Text3>(empty3());
  const [embargo, setEmbargo] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [known, setKnown] = useState<{ sessions: string[]; countries: string[]; groups: string[] }>({
    sessions: [],
    countries: [],
    groups: [],
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
    get<{ sessions?: string[]; countries?: string[]; invitees?: { groups: string[] } }>(
      `/api/conferences/${CONFERENCE}/overview`,
    ).then(
      (o) =>
        setKnown({
          sessions: o.sessions ?? [],
          countries: o.countries ?? [],
          groups: o.invitees?.groups ?? [],
        }),
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
    // Groups and answers are the invitation list's: other kinds go to registrants and press.
    if (kind === 'invitation' && groups.length) audience.groups = groups;
    if (kind === 'invitation' && rsvp.length) audience.rsvp = rsvp;
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
  }, [kind, roles, languages, countries, sessions, contacts, groups, rsvp, subject, body, embargo, sendAt]);
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
        setOk(t('ok-dry-run', { mailing: d.mailingId, count: d.preview.total }));
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
      (r) => setOk(t('ok-test-sent', { to: r.to, subject: r.subject })),
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
    <h1 tabindex="-1">${t('nav-new')}</h1>
    <p class="muted">${t('compose-lead')}</p>
    <div class="split">
      <form class="editor" onSubmit=${(e: Event) => {
        e.preventDefault();
        void dryRun();
      }}>
        <label class="field">${t('col-kind')}
          <select name="kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
            ${kinds.map((k) => html`<option value=${k}>${kindName(k)}</option>`)}
          </select>
        </label>
        <h2>${t('audience')}</h2>
        ${
          kind === 'invitation'
            ? html`<p class="muted">${t('invitation-audience')}</p>
              ${known.groups.length ? html`<${Checks} legend=${t('invitation-groups')} name="groups" options=${known.groups} value=${groups} onChange=${setGroups} />` : null}
              <${Checks} legend=${t('answers')} name="rsvp" noneMeans=${t('answers-default')} options=${RSVP_FILTERS} value=${rsvp} onChange=${setRsvp} label=${(o: string) => t(`rsvp-${o}`)} />`
            : null
        }
        <${Checks} legend=${t('roles')} name="roles" options=${ROLES} value=${roles} onChange=${setRoles} label=${roleName} />
        <${Checks} legend=${t('languages')} name="languages" options=${['en', 'ru', 'ar']} value=${languages} onChange=${setLanguages} />
        ${known.sessions.length ? html`<${Checks} legend=${t('sessions')} name="sessions" options=${known.sessions} value=${sessions} onChange=${setSessions} />` : null}
        <label class="field">${t('countries')} <span class="muted">${t('countries-hint')}${known.countries.length ? ` ${t('registered-countries', { countries: known.countries.slice(0, 12).join(' ') })}` : ''}</span>
          <input name="countries" value=${countries} onInput=${(e: Event) => setCountries((e.target as HTMLInputElement).value)} />
        </label>
        <label class="field">${t('explicit-list')} <span class="muted">${t('explicit-hint')}</span>
          <textarea name="contacts" rows="2" value=${contacts} onInput=${(e: Event) => setContacts((e.target as HTMLTextAreaElement).value)}></textarea>
        </label>
        <p class="count" role="status" aria-live="polite" data-testid="audience-count">
          ${count ? html`<strong>${count.total}</strong> ${t('recipients-unit')}${Object.keys(count.perLanguage).length ? ': ' : ''}${Object.entries(count.perLanguage).map(([l, n]) => html`<span class="c">${l} ${n}</span> `)}` : countError ? t('count-failed') : t('counting')}
        </p>
        <${Notice} error=${countError} />
        ${
          withContent.has(kind)
            ? html`<h2>${t('content')}</h2>
              ${LANGS.map(
                (l) => html`<fieldset class="lang">
                  <legend>${langName(l.tag)} (${l.tag}) — ${l.tag === 'en' ? t('required-fallback') : t('optional')}</legend>
                  <label class="field">${t('subject-of', { lang: l.tag })}
                    <input name=${`subject-${l.tag}`} lang=${l.tag} dir=${l.dir} value=${subject[l.tag]} aria-invalid=${problems.some((p) => p.field.startsWith(`subject.${l.tag}`)) || undefined}
                      onInput=${(e: Event) => setSubject({ ...subject, [l.tag]: (e.target as HTMLInputElement).value })} />
                  </label>
                  <label class="field">${t('body-of', { lang: l.tag })}
                    <textarea name=${`body-${l.tag}`} lang=${l.tag} dir=${l.dir} rows="6" value=${body[l.tag]}
                      onInput=${(e: Event) => setBody({ ...body, [l.tag]: (e.target as HTMLTextAreaElement).value })}></textarea>
                  </label>
                </fieldset>`,
              )}
              <label class="field">${t('embargo')} <span class="muted">${t('embargo-hint')}</span>
                <input name="embargo" value=${embargo} onInput=${(e: Event) => setEmbargo((e.target as HTMLInputElement).value)} />
              </label>`
            : null
        }
        <label class="field">${t('send-at')} <span class="muted">${t('send-at-hint')}</span>
          <input name="sendAt" value=${sendAt} onInput=${(e: Event) => setSendAt((e.target as HTMLInputElement).value)} />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled=${busy || !kind}>${dry ? t('dry-run-again') : t('dry-run')}</button>
        </div>
        <${Notice} error=${error} ok=${ok} />
        ${problems.length ? html`<ul class="problems">${problems.map((p) => html`<li>${p.message}</li>`)}</ul>` : null}
        ${
          dry
            ? html`<section class="card" aria-labelledby="dry-h">
              <h2 id="dry-h">${t('dry-run-heading', { count: dry.preview.total })}</h2>
              <table>
                <caption class="sr">${t('dry-run-caption')}</caption>
                <thead><tr><th scope="col">${t('language-col')}</th><th scope="col" class="num">${t('recipients')}</th><th scope="col">${t('sample-subject')}</th></tr></thead>
                <tbody>${Object.entries(dry.preview.perLanguage).map(
                  ([l, n]) =>
                    html`<tr><th scope="row">${l}</th><td class="num">${n}</td><td lang=${l} dir=${l === 'ar' ? 'rtl' : 'ltr'}>${dry.preview.subjects[l] ?? ''}</td></tr>`,
                )}</tbody>
              </table>
              <div class="row">
                <button type="button" disabled=${busy} onClick=${testSend}>${t('test-send', { email: me.email ?? t('no-address'), lang: previewLang })}</button>
              </div>
              ${
                mustType
                  ? html`<label class="field">${t('type-count', { count: total })}
                <input name="typedCount" inputmode="numeric" value=${typed} onInput=${(e: Event) => setTyped((e.target as HTMLInputElement).value)} /></label>`
                  : null
              }
              <div class="row">
                <button type="button" class="primary" disabled=${busy || total === 0 || (mustType && Number(typed) !== total)} onClick=${confirm}>
                  ${sendAt ? t('confirm-send-at', { count: total, time: sendAt }) : t('confirm-send-now', { count: total })}
                </button>
              </div>
            </section>`
            : null
        }
      </form>
      <section class="preview" aria-labelledby="preview-h">
        <h2 id="preview-h">${t('preview')}</h2>
        <fieldset class="seg">
          <legend>${t('language-col')}</legend>
          ${LANGS.map(
            (l) =>
              html`<label><input type="radio" name="preview-lang" value=${l.tag} checked=${previewLang === l.tag} onChange=${() => setPreviewLang(l.tag)} /> ${langName(l.tag)}</label>`,
          )}
        </fieldset>
        ${previewError ? html`<p class="notice error" role="alert">${t('preview-failed', { message: messageOf(previewError) })}</p>` : null}
        ${shown ? html`<${MailView} mail=${shown} idPrefix="compose" key=${shown.language} />` : previewError ? null : html`<p role="status">${t('rendering')}</p>`}
      </section>
    </div>
  </section>`;
}
