import type { inviteeTally } from '../../../functions/invitations/listing';
import { get, type MailingSummary, type Me } from '../api';
import { CONFERENCE } from '../conference';
import { t, uiLanguage } from '../i18n';
import {
  CountsLine,
  html,
  kindName,
  Notice,
  Progress,
  roleName,
  StateBadge,
  shortTime,
  stateName,
  TableRegion,
  useLoad,
} from '../ui';
import { Invitees } from './invitees';

interface OverviewData {
  conference: {
    name: { en: string } & Record<string, string | undefined>;
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
  column,
  data,
  unit,
  label = (k: string) => k,
}: {
  title: string;
  column: string;
  data: Record<string, number>;
  unit: string;
  label?: (key: string) => string;
}) {
  return html`<div class="card">
    <table>
      <caption>${title}</caption>
      <thead><tr><th scope="col">${column}</th><th scope="col" class="num">${unit}</th></tr></thead>
      <tbody>${Object.entries(data).map(([k, v]) => html`<tr><th scope="row"><bdi>${label(k)}</bdi></th><td class="num">${v}</td></tr>`)}</tbody>
    </table>
  </div>`;
}

export function MailingsTable({ mailings }: { mailings: MailingSummary[] }) {
  if (mailings.length === 0) return html`<p>${t('no-mailings')}</p>`;
  return html`<${TableRegion} label=${t('mailings')}><table class="mailings">
    <caption class="sr">${t('mailings')}</caption>
    <thead><tr><th scope="col">${t('col-mailing')}</th><th scope="col" class="wide">${t('col-kind')}</th><th scope="col">${t('col-state')}</th><th scope="col">${t('col-progress')}</th><th scope="col" class="wide">${t('col-created')}</th></tr></thead>
    <tbody>
      ${mailings.map(
        (m) => html`<tr>
          <td class="addr"><a href=${`#/mailings/${encodeURIComponent(m.mailingId)}`}>${m.mailingId}</a></td>
          <td class="wide">${kindName(m.kind)}</td>
          <td><${StateBadge} state=${m.state === 'sending' && m.total > 0 && m.settled === m.total ? 'complete' : m.state} /></td>
          <td>${m.state === 'dry-run' ? t('dry-not-sent', { count: m.total }) : html`<${Progress} value=${m.settled} max=${m.total} label=${t('progress-of', { mailing: m.mailingId })} /><${CountsLine} counts=${m.counts} compact=${true} />`}</td>
          <td class="wide">${shortTime(m.createdAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table><//>`;
}

export function Overview({ me }: { me: Me }) {
  const [data, error] = useLoad(() => get<OverviewData>(`/api/conferences/${CONFERENCE}/overview`), []);
  return html`<section>
    <h1 tabindex="-1">${data ? (data.conference.name[uiLanguage()] ?? data.conference.name.en) : t('overview-title')}</h1>
    <${Notice} error=${error} />
    ${
      data
        ? html`
          <p><bdi>${data.conference.start} – ${data.conference.end}</bdi> · ${data.conference.timeZone} · ${t('languages-list', { languages: data.conference.languages.join(', ') })}</p>
          ${me.can.compose ? html`<p><a class="button primary" href="#/new">${t('nav-new')}</a></p>` : null}
          ${
            data.registrations
              ? html`<h2>${t('registrations-total', { count: data.registrations.total })}</h2>
                <div class="grid">
                  <${Tally} title=${t('by-role')} column=${t('role')} unit=${t('registrations')} data=${data.registrations.byRole} label=${roleName} />
                  <${Tally} title=${t('by-language')} column=${t('language-col')} unit=${t('registrations')} data=${data.registrations.byLanguage} />
                  <${Tally} title=${t('by-country')} column=${t('country')} unit=${t('registrations')} data=${data.registrations.byCountry} />
                </div>`
              : null
          }
          ${
            data.invitees
              ? html`<h2>${t('invitees-total', { count: data.invitees.total })}</h2>
                <div class="grid">
                  <${Tally} title=${t('by-answer')} column=${t('answer')} unit=${t('invitees')} data=${data.invitees.byAnswer} label=${stateName} />
                  <${Tally} title=${t('by-group')} column=${t('group')} unit=${t('invitees')} data=${data.invitees.byGroup} />
                </div>
                ${data.invitees.total > 0 ? html`<${Invitees} groups=${data.invitees.groups} />` : null}`
              : null
          }
          <h2>${t('press-total', { count: data.pressContacts })}</h2>
          <p><a href="#/press">${t('see-press')}</a></p>
          <h2>${t('mailings')}</h2>
          <${MailingsTable} mailings=${data.mailings} />`
        : error
          ? null
          : html`<p role="status">${t('loading')}</p>`
    }
  </section>`;
}
