/** Rejected events, suppressions (lift with a reason, add) and the press list. */
import { useState } from 'preact/hooks';
import { get, type Me, type Page, post, qs } from '../api';
import { CONFERENCE } from '../conference';
import { t } from '../i18n';
import { html, Notice, shortTime, TableRegion, useLoad } from '../ui';

/** A paged list with "Show more". */
export function usePaged<T>(path: (cursor?: string) => string, deps: unknown[]) {
  const [extra, setExtra] = useState<{ items: T[]; next?: string } | undefined>();
  const [first, error, reload] = useLoad(async () => {
    setExtra(undefined);
    return get<Page<T>>(path());
  }, deps);
  const items = [...(first?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : first?.next;
  const more = async () => {
    const p = await get<Page<T>>(path(next));
    setExtra({ items: [...(extra?.items ?? []), ...p.items], ...(p.next ? { next: p.next } : {}) });
  };
  return { items, next, more, error, loaded: first !== undefined, reload };
}

interface Rejection {
  receivedAt: string;
  eventId?: string;
  type?: string;
  code: string;
  reason: string;
  payloadHead: string;
}

export function Rejections() {
  const list = usePaged<Rejection>((cursor) => `/api/rejections${qs({ cursor })}`, []);
  return html`<section>
    <h1 tabindex="-1">${t('nav-rejections')}</h1>
    <p class="muted">${t('rejections-lead')}</p>
    <${Notice} error=${list.error} />
    ${list.loaded && list.items.length === 0 ? html`<p>${t('no-rejections')}</p>` : null}
    <ul class="cards">
      ${list.items.map(
        (r) => html`<li class="card">
          <p><strong>${r.type ?? t('unknown-type')}</strong> · ${shortTime(r.receivedAt)} UTC · ${t('event')} <code>${r.eventId ?? '?'}</code></p>
          <p>${r.reason} <span class="muted">(${r.code})</span></p>
          <details><summary>${t('payload-head')}</summary><pre>${r.payloadHead}</pre></details>
        </li>`,
      )}
    </ul>
    ${list.next ? html`<button type="button" onClick=${list.more}>${t('show-more')}</button>` : null}
  </section>`;
}

interface Suppression {
  email: string;
  scope: string;
  reason: string;
  since: string;
  detail?: string;
  source?: string;
}

function Lift({ s, onDone }: { s: Suppression; onDone: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [why, setWhy] = useState('');
  const [error, setError] = useState<unknown>();
  if (!open) return html`<button type="button" onClick=${() => setOpen(true)}>${t('lift')}</button>`;
  return html`<form class="inline" onSubmit=${async (e: Event) => {
    e.preventDefault();
    try {
      await post(`/api/conferences/${CONFERENCE}/suppressions/lift`, {
        email: s.email,
        reason: why,
        scope: s.scope === 'global' ? 'global' : 'conference',
      });
      onDone(t('ok-lifted', { reason: s.reason, email: s.email }));
    } catch (err) {
      setError(err);
    }
  }}>
    <label class="field">${t('why-lift', { email: s.email })} ${s.reason === 'bounce' || s.reason === 'complaint' ? html`<span class="muted">${t('only-with-consent')}</span>` : null}
      <input name="why" required value=${why} onInput=${(e: Event) => setWhy((e.target as HTMLInputElement).value)} />
    </label>
    <button type="submit" class="danger">${t('lift-it')}</button>
    <button type="button" onClick=${() => setOpen(false)}>${t('keep-it')}</button>
    <${Notice} error=${error} />
  </form>`;
}

export function Suppressions({ me }: { me: Me }) {
  const [email, setEmail] = useState('');
  const [filter, setFilter] = useState('');
  const [ok, setOk] = useState<string | undefined>();
  const list = usePaged<Suppression>(
    (cursor) => `/api/conferences/${CONFERENCE}/suppressions${qs({ email: filter, cursor })}`,
    [filter],
  );
  const [addEmail, setAddEmail] = useState('');
  const [addWhy, setAddWhy] = useState('');
  const [addError, setAddError] = useState<unknown>();
  const done = (message: string) => {
    setOk(message);
    list.reload();
  };
  return html`<section>
    <h1 tabindex="-1">${t('nav-suppressions')}</h1>
    <p class="muted">${t('suppressions-lead')}</p>
    <form class="row filters" role="search" onSubmit=${(e: Event) => {
      e.preventDefault();
      setFilter(email);
    }}>
      <label class="field">${t('address-contains')} <input name="email" type="search" value=${email} onInput=${(e: Event) => setEmail((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">${t('find')}</button>
    </form>
    <${Notice} error=${list.error} ok=${ok} />
    ${list.loaded && list.items.length === 0 ? html`<p>${t('no-suppressions')}</p>` : null}
    ${
      list.items.length
        ? html`<${TableRegion} label=${t('suppressed-addresses')}><table>
      <caption class="sr">${t('suppressed-addresses')}</caption>
      <thead><tr><th scope="col">${t('col-address')}</th><th scope="col">${t('col-scope')}</th><th scope="col">${t('col-reason')}</th><th scope="col">${t('col-since')}</th><th scope="col">${t('col-evidence')}</th>${me.can.suppressions ? html`<th scope="col">${t('col-action')}</th>` : null}</tr></thead>
      <tbody>${list.items.map(
        (
          s,
        ) => html`<tr><td class="addr">${s.email}</td><td>${s.scope}</td><td>${s.reason}</td><td>${shortTime(s.since)}</td><td>${s.detail ?? ''}${s.source ? html` <span class="muted">(${s.source})</span>` : null}</td>
          ${me.can.suppressions ? html`<td><${Lift} s=${s} onDone=${done} /></td>` : null}</tr>`,
      )}</tbody></table><//>`
        : null
    }
    ${list.next ? html`<button type="button" onClick=${list.more}>${t('show-more')}</button>` : null}
    ${
      me.can.suppressions
        ? html`<h2>${t('suppress-address')}</h2>
      <form class="card" onSubmit=${async (e: Event) => {
        e.preventDefault();
        setAddError(undefined);
        try {
          await post(`/api/conferences/${CONFERENCE}/suppressions`, {
            email: addEmail,
            reason: addWhy,
            scope: 'global',
          });
          setAddEmail('');
          setAddWhy('');
          done(t('ok-suppressed', { email: addEmail }));
        } catch (err) {
          setAddError(err);
        }
      }}>
        <label class="field">${t('col-address')} <input name="add-email" type="email" required value=${addEmail} onInput=${(e: Event) => setAddEmail((e.target as HTMLInputElement).value)} /></label>
        <label class="field">${t('why')} <input name="add-why" required value=${addWhy} onInput=${(e: Event) => setAddWhy((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">${t('suppress')}</button>
        <${Notice} error=${addError} />
      </form>`
        : null
    }
  </section>`;
}

interface PressContact {
  contactId: string;
  email: string;
  name: string;
  outlet?: string;
  language: string;
  country?: string;
}

export function Press() {
  const list = usePaged<PressContact>(
    (cursor) => `/api/conferences/${CONFERENCE}/press-contacts${qs({ cursor })}`,
    [],
  );
  return html`<section>
    <h1 tabindex="-1">${t('press-contacts')}</h1>
    <${Notice} error=${list.error} />
    ${list.loaded && list.items.length === 0 ? html`<p>${t('no-press')}</p>` : null}
    ${
      list.items.length
        ? html`<${TableRegion} label=${t('press-contacts')}><table>
      <caption class="sr">${t('press-contacts')}</caption>
      <thead><tr><th scope="col">${t('col-name')}</th><th scope="col">${t('col-outlet')}</th><th scope="col">${t('col-address')}</th><th scope="col">${t('col-lang')}</th><th scope="col">${t('country')}</th></tr></thead>
      <tbody>${list.items.map((p) => html`<tr><td><bdi>${p.name}</bdi></td><td><bdi>${p.outlet ?? ''}</bdi></td><td class="addr">${p.email}</td><td>${p.language}</td><td>${p.country ?? ''}</td></tr>`)}</tbody>
    </table><//>`
        : null
    }
    ${list.next ? html`<button type="button" onClick=${list.more}>${t('show-more')}</button>` : null}
  </section>`;
}
