/** The invitation list on the overview: who is invited, in which group, and what each answered. */
import { useState } from 'preact/hooks';
import type { InviteeListing } from '../../../functions/invitations/listing';
import { qs } from '../api';
import { CONFERENCE } from '../conference';
import { html, Notice, StateBadge, shortTime } from '../ui';
import { usePaged } from './lists';

/** RSVP states as the filter offers them (the API's own spellings). */
const ANSWERS = ['invited', 'accepted', 'declined', 'delegated', 'registered'];

function History({ invitee }: { invitee: InviteeListing }) {
  if (invitee.history.length === 0) return html`<span class="muted">—</span>`;
  return html`<details><summary>${invitee.history.length} step(s)</summary>
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
    <h3 id="invitees-list-h">Invitees and their answers</h3>
    <form class="row filters" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label class="field">Answer
        <select name="rsvp" value=${answer} onChange=${(e: Event) => setAnswer((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          ${ANSWERS.map((a) => html`<option value=${a}>${a === 'invited' ? 'no answer yet' : a}</option>`)}
        </select>
      </label>
      ${
        groups.length
          ? html`<label class="field">Group
        <select name="group" value=${group} onChange=${(e: Event) => setGroup((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          ${groups.map((g) => html`<option value=${g}>${g}</option>`)}
        </select>
      </label>`
          : null
      }
    </form>
    <${Notice} error=${list.error} />
    ${
      list.loaded && list.items.length === 0
        ? html`<p>No invitees${answer ? ` with the answer ${answer}` : ''}${group ? ` in ${group}` : ''}.</p>`
        : html`<div class="scroll"><table class="invitees" data-testid="invitees">
      <caption class="sr">Invitees</caption>
      <thead><tr><th scope="col">Name</th><th scope="col" class="wide">Address</th><th scope="col">Group</th><th scope="col">Lang</th><th scope="col">Answer</th><th scope="col" class="wide">Since (UTC)</th><th scope="col">History</th></tr></thead>
      <tbody>${list.items.map(
        (i) => html`<tr>
          <th scope="row"><bdi>${i.name}</bdi></th><td class="wide">${i.email}</td><td>${i.group ?? ''}</td><td>${i.language ?? ''}</td>
          <td><${StateBadge} state=${i.rsvp} />${i.representative ? html` <span class="muted">→ <bdi>${i.representative.name}</bdi></span>` : null}</td>
          <td class="wide">${shortTime(i.rsvpAt)}</td><td><${History} invitee=${i} /></td>
        </tr>`,
      )}</tbody>
    </table></div>`
    }
    ${list.next ? html`<button type="button" onClick=${list.more}>Show more</button>` : null}
  </section>`;
}
