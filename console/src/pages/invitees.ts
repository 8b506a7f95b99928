/** The invitation list on the overview: who is invited, in which group, and what each answered. */
import { useState } from 'preact/hooks';
import type { InviteeListing } from '../../../functions/invitations/listing';
import { qs } from '../api';
import { CONFERENCE } from '../conference';
import { t } from '../i18n';
import { html, Notice, StateBadge, shortTime, stateName, TableRegion } from '../ui';
import { usePaged } from './lists';

/** RSVP states as the filter offers them (the API's own spellings). */
const ANSWERS = ['invited', 'accepted', 'declined', 'delegated', 'registered'];

function History({ invitee }: { invitee: InviteeListing }) {
  if (invitee.history.length === 0) return html`<span class="muted">—</span>`;
  return html`<details><summary>${t('steps', { count: invitee.history.length })}</summary>
    <ol class="history">${invitee.history.map(
      (h) =>
        html`<li><time datetime=${h.at}>${shortTime(h.at)}</time> <${StateBadge} state=${h.state} />${h.representative ? html` <bdi>${h.representative.name}</bdi> <span class="muted">${h.representative.email}</span>` : null}</li>`,
    )}</ol>
  </details>`;
}

export function Invitees({ groups }: { groups: string[] }) {
  const [answer, setAnswer] = useState('');
  const [group, setGroup] = useState('');
  const list = usePaged<InviteeListing>(
    (cursor) => `/api/conferences/${CONFERENCE}/invitees${qs({ rsvp: answer, group, cursor, limit: '25' })}`,
    [answer, group],
  );
  return html`<section aria-labelledby="invitees-list-h">
    <h3 id="invitees-list-h">${t('invitees-answers')}</h3>
    <form class="row filters" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label class="field">${t('answer')}
        <select name="rsvp" value=${answer} onChange=${(e: Event) => setAnswer((e.target as HTMLSelectElement).value)}>
          <option value="">${t('any')}</option>
          ${ANSWERS.map((a) => html`<option value=${a}>${a === 'invited' ? t('no-answer-yet') : stateName(a)}</option>`)}
        </select>
      </label>
      ${
        groups.length
          ? html`<label class="field">${t('group')}
        <select name="group" value=${group} onChange=${(e: Event) => setGroup((e.target as HTMLSelectElement).value)}>
          <option value="">${t('any')}</option>
          ${groups.map((g) => html`<option value=${g}>${g}</option>`)}
        </select>
      </label>`
          : null
      }
    </form>
    <${Notice} error=${list.error} />
    ${
      list.loaded && list.items.length === 0
        ? html`<p>${t('no-invitees')}</p>`
        : html`<${TableRegion} label=${t('invitees')}><table class="invitees" data-testid="invitees">
      <caption class="sr">${t('invitees')}</caption>
      <thead><tr><th scope="col">${t('col-name')}</th><th scope="col" class="wide">${t('col-address')}</th><th scope="col">${t('group')}</th><th scope="col">${t('col-lang')}</th><th scope="col">${t('answer')}</th><th scope="col" class="wide">${t('col-since')}</th><th scope="col">${t('history')}</th></tr></thead>
      <tbody>${list.items.map(
        (i) => html`<tr>
          <th scope="row"><bdi>${i.name}</bdi></th><td class="wide addr"><bdi dir="ltr">${i.email}</bdi></td><td>${i.group ?? ''}</td><td>${i.language ?? ''}</td>
          <td><${StateBadge} state=${i.rsvp} />${i.representative ? html` <span class="muted">→ <bdi>${i.representative.name}</bdi></span>` : null}</td>
          <td class="wide">${shortTime(i.rsvpAt)}</td><td><${History} invitee=${i} /></td>
        </tr>`,
      )}</tbody>
    </table><//>`
    }
    ${list.next ? html`<button type="button" onClick=${list.more}>${t('show-more')}</button>` : null}
  </section>`;
}
