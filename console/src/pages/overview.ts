import type { inviteeTally } from '../../../functions/invitations/listing';
import { get, type MailingSummary, type Me } from '../api';
import { CONFERENCE } from '../conference';
import { CountsLine, html, Notice, Progress, StateBadge, shortTime, useLoad } from '../ui';
import { Invitees } from './invitees';

interface OverviewData {
  conference: {
    name: { en: string };
    city: unknown;
    start: string;
    end: string;
    timeZone: string;
    languages: string[];
  };
  registrations?: {
    total: number;
    byRole: Record<string, number>;
    byLanguage: Record<string, number>;
    byCountry: Record<string, number>;
  };
  pressContacts: number;
  invitees?: ReturnType<typeof inviteeTally>;
  mailings: MailingSummary[];
}

function Tally({
  title,
  data,
  unit = 'registrations',
}: {
  title: string;
  data: Record<string, number>;
  unit?: string;
}) {
  return html`<div class="card">
    <table>
      <caption>${title}</caption>
      <thead><tr><th scope="col">${title.replace(/^By /, '')}</th><th scope="col" class="num">${unit}</th></tr></thead>
      <tbody>${Object.entries(data).map(([k, v]) => html`<tr><th scope="row">${k}</th><td class="num">${v}</td></tr>`)}</tbody>
    </table>
  </div>`;
}

export function MailingsTable({ mailings }: { mailings: MailingSummary[] }) {
  if (mailings.length === 0) return html`<p>No mailings yet.</p>`;
  return html`<div class="scroll"><table class="mailings">
    <caption class="sr">Mailings</caption>
    <thead><tr><th scope="col">Mailing</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col" class="wide">Created (UTC)</th></tr></thead>
    <tbody>
      ${mailings.map(
        (m) => html`<tr>
          <td><a href=${`#/mailings/${encodeURIComponent(m.mailingId)}`}>${m.mailingId}</a></td>
          <td>${m.kind}</td>
          <td><${StateBadge} state=${m.state === 'sending' && m.total > 0 && m.settled === m.total ? 'complete' : m.state} /></td>
          <td>${m.state === 'dry-run' ? html`${m.total} recipient(s), not sent` : html`<${Progress} value=${m.settled} max=${m.total} label=${`Progress of ${m.mailingId}`} /><${CountsLine} counts=${m.counts} compact=${true} />`}</td>
          <td class="wide">${shortTime(m.createdAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>`;
}

export function Overview({ me }: { me: Me }) {
  const [data, error] = useLoad(() => get<OverviewData>(`/api/conferences/${CONFERENCE}/overview`), []);
  return html`<section>
    <h1 tabindex="-1">${data ? data.conference.name.en : 'Conference overview'}</h1>
    <${Notice} error=${error} />
    ${
      data
        ? html`
          <p>${data.conference.start} – ${data.conference.end} · ${data.conference.timeZone} · languages ${data.conference.languages.join(', ')}</p>
          ${me.can.compose ? html`<p><a class="button primary" href="#/new">New mailing</a></p>` : null}
          ${
            data.registrations
              ? html`<h2>Registrations: ${data.registrations.total}</h2>
                <div class="grid">
                  <${Tally} title="By role" data=${data.registrations.byRole} />
                  <${Tally} title="By language" data=${data.registrations.byLanguage} />
                  <${Tally} title="By country" data=${data.registrations.byCountry} />
                </div>`
              : null
          }
          ${
            data.invitees
              ? html`<h2>Invitees: ${data.invitees.total}</h2>
                <div class="grid">
                  <${Tally} title="By answer" data=${data.invitees.byAnswer} unit="invitees" />
                  <${Tally} title="By group" data=${data.invitees.byGroup} unit="invitees" />
                </div>
                ${data.invitees.total > 0 ? html`<${Invitees} groups=${data.invitees.groups} />` : null}`
              : null
          }
          <h2>Press contacts: ${data.pressContacts}</h2>
          <p><a href="#/press">See the press list</a></p>
          <h2>Mailings</h2>
          <${MailingsTable} mailings=${data.mailings} />`
        : error
          ? null
          : html`<p role="status">Loading…</p>`
    }
  </section>`;
}
