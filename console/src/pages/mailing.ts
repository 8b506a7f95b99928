/** A mailing: live progress, deliveries (filter, search, pages), actions; and one delivery. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeliveryItem, DeliveryDetail as Detail, MailingView } from '../../../functions/api/mailings';
import { get, type Me, type Page, post, qs, type Rendered } from '../api';
import { t } from '../i18n';
import {
  Confirm,
  CountsLine,
  html,
  kindName,
  ltr,
  MailView,
  Notice,
  Progress,
  roleName,
  STATES,
  StateBadge,
  shortTime,
  stateName,
  TableRegion,
  useLoad,
} from '../ui';

/** A history time to the second (states of one delivery are often seconds apart). */
const fullTime = (iso: string) => ltr(iso.replace('T', ' ').slice(0, 19));

type MailingData = MailingView;

const enc = encodeURIComponent;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return t('seconds', { n: Math.ceil(seconds) });
  if (seconds < 3600) return t('minutes', { n: Math.ceil(seconds / 60) });
  return t('hours', { n: (seconds / 3600).toFixed(1) });
}

/** Polls the mailing every second until it is complete; keeps the last readings for the rate. */
function useMailing(mailingId: string) {
  const [data, setData] = useState<MailingData | undefined>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const samples = useRef<{ t: number; settled: number }[]>([]);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const read = () =>
      get<MailingData>(`/api/mailings/${enc(mailingId)}`).then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(undefined);
          samples.current = [...samples.current, { t: Date.now(), settled: d.settled }].slice(-15);
          // After the last send, SES delivery and bounce events still arrive: keep reading, slower.
          if (!d.complete && d.state !== 'paused') timer = setTimeout(read, 1000);
          else if ((d.counts.sent ?? 0) > 0 && Date.now() - started < 600_000) timer = setTimeout(read, 3000);
        },
        (e: unknown) => {
          if (!live) return;
          setError(e);
          timer = setTimeout(read, 3000);
        },
      );
    void read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [mailingId, tick]);
  const first = samples.current[0];
  const last = samples.current[samples.current.length - 1];
  const rate =
    first && last && last.t > first.t ? ((last.settled - first.settled) * 1000) / (last.t - first.t) : 0;
  return { data, error, rate, reload: () => setTick((t) => t + 1) };
}

function Deliveries({ mailingId, version }: { mailingId: string; version: number }) {
  const [state, setState] = useState('');
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState({ state: '', q: '' });
  const [pages, setPages] = useState<DeliveryItem[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const load = (cursor?: string) =>
    get<Page<DeliveryItem>>(
      `/api/mailings/${enc(mailingId)}/deliveries${qs({ state: applied.state, q: applied.q, cursor, limit: '25' })}`,
    ).then((p) => {
      setPages((old) => (cursor ? [...old, ...p.items] : p.items));
      setNext(p.next);
      setError(undefined);
    }, setError);
  useEffect(() => {
    void load();
  }, [mailingId, applied, version]);
  return html`<section aria-labelledby="deliveries-h">
    <h2 id="deliveries-h">${t('deliveries')}</h2>
    <form class="row filters" role="search" onSubmit=${(e: Event) => {
      e.preventDefault();
      setApplied({ state, q });
    }}>
      <label class="field">${t('col-state')}
        <select name="state" value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value)}>
          <option value="">${t('any')}</option>
          ${STATES.map((s) => html`<option value=${s}>${stateName(s)}</option>`)}
        </select>
      </label>
      <label class="field">${t('address-starts')}
        <input name="q" type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">${t('find')}</button>
    </form>
    <${Notice} error=${error} />
    ${
      pages.length === 0
        ? html`<p>${t('no-deliveries')}</p>`
        : html`<${TableRegion} label=${t('deliveries')}><table class="deliveries">
          <caption class="sr">${t('deliveries')}</caption>
          <thead><tr><th scope="col">${t('col-address')}</th><th scope="col" class="wide">${t('col-name')}</th><th scope="col">${t('col-lang')}</th><th scope="col">${t('col-state')}</th><th scope="col" class="wide">${t('col-updated')}</th><th scope="col">${t('col-reason')}</th></tr></thead>
          <tbody>${pages.map(
            (d) => html`<tr>
              <td class="addr"><a href=${`#/mailings/${enc(mailingId)}/deliveries/${enc(d.contactKey)}`}>${d.email}</a></td>
              <td class="wide"><bdi>${d.name}</bdi></td><td>${d.language}</td><td><${StateBadge} state=${d.state} /></td>
              <td class="wide">${shortTime(d.updatedAt)}</td><td>${d.reason ?? ''}</td>
            </tr>`,
          )}</tbody>
        </table><//>`
    }
    ${next ? html`<p><button type="button" onClick=${() => load(next)}>${t('show-more')}</button></p>` : null}
  </section>`;
}

type Pending =
  | { what: 'cancel' }
  | { what: 'pause' }
  | { what: 'resume' }
  | { what: 'resend'; states: ('failed' | 'uncertain')[]; count: number };

export function Mailing({ mailingId, me }: { mailingId: string; me: Me }) {
  const { data, error, rate, reload } = useMailing(mailingId);
  const [pending, setPending] = useState<Pending | undefined>();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const [ok, setOk] = useState<string | undefined>();
  const mayWrite = data ? me.can.composeKinds.includes(data.kind) : false;

  async function run(p: Pending) {
    setBusy(true);
    setActionError(undefined);
    try {
      if (p.what === 'cancel') {
        await post(`/api/mailings/${enc(mailingId)}/cancel`);
        setOk(t('ok-cancelled'));
      } else if (p.what === 'pause') {
        await post(`/api/mailings/${enc(mailingId)}/pause`);
        setOk(t('ok-paused'));
      } else if (p.what === 'resume') {
        await post(`/api/mailings/${enc(mailingId)}/resume`);
        setOk(t('ok-resumed'));
      } else {
        const r = await post<{ resent: number }>(`/api/mailings/${enc(mailingId)}/resend`, {
          states: p.states,
          expectedCount: p.count,
        });
        setOk(t('ok-resending', { count: r.resent }));
      }
      setPending(undefined);
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  }

  const total = data ? (data.state === 'dry-run' ? (data.preview?.total ?? 0) : data.total) : 0;
  const left = data ? total - data.settled : 0;
  const failed = data?.counts.failed ?? 0;
  const uncertain = data?.counts.uncertain ?? 0;
  const queued = data?.counts.queued ?? 0;
  const went = data ? (data.counts.sent ?? 0) + (data.counts.delivered ?? 0) : 0;

  return html`<section>
    <h1 tabindex="-1">${t('mailing')} <bdi>${mailingId}</bdi></h1>
    <${Notice} error=${error} />
    ${
      data
        ? html`
      <p>${kindName(data.kind)} · <${StateBadge} state=${data.complete && data.state === 'sending' ? 'complete' : data.state} /> · ${t('requested-by', { user: data.requestedBy })} · ${t('created-at', { time: shortTime(data.createdAt) })}${data.sendAt ? ` · ${t('to-go-at', { time: data.sendAt })}` : ''}</p>
      ${data.pausedReason ? html`<p class="notice error" role="alert">${t('paused-because', { reason: data.pausedReason })}</p>` : null}
      <div class="card" aria-live="polite">
        <${Progress} value=${data.settled} max=${total} label=${t('settled')} />
        <p data-testid="progress-line">${data.complete && data.state !== 'dry-run' ? html`<strong>${t('complete')}</strong> ` : null}<${CountsLine} counts=${data.counts} /></p>
        ${!data.complete && data.state !== 'dry-run' ? html`<p>${t('rate', { rate: rate.toFixed(1), left: rate > 0 ? duration(left / rate) : '—' })}</p>` : null}
      </div>
      ${
        mayWrite
          ? html`<div class="row actions">
          ${data.state === 'dry-run' ? html`<a class="button" href="#/new">${t('back-to-composing')}</a>` : null}
          ${!data.complete && ['scheduled', 'planning', 'sending', 'paused', 'dry-run'].includes(data.state) ? html`<button type="button" class="danger" onClick=${() => setPending({ what: 'cancel' })}>${t('cancel-mailing')}</button>` : null}
          ${!data.complete && ['planning', 'sending'].includes(data.state) ? html`<button type="button" onClick=${() => setPending({ what: 'pause' })}>${t('pause-mailing')}</button>` : null}
          ${data.state === 'paused' ? html`<button type="button" class="primary" onClick=${() => setPending({ what: 'resume' })}>${t('resume-mailing')}</button>` : null}
          ${failed > 0 ? html`<button type="button" onClick=${() => setPending({ what: 'resend', states: ['failed'], count: failed })}>${t('resend-failed', { count: failed })}</button>` : null}
          ${uncertain > 0 ? html`<button type="button" onClick=${() => setPending({ what: 'resend', states: ['uncertain'], count: uncertain })}>${t('resend-uncertain', { count: uncertain })}</button>` : null}
        </div>`
          : null
      }
      ${
        pending
          ? html`<${Confirm}
            danger=${pending.what === 'cancel'}
            busy=${busy}
            message=${
              pending.what === 'cancel'
                ? t('confirm-cancel', { mailing: mailingId, queued, went })
                : pending.what === 'pause'
                  ? t('confirm-pause', { mailing: mailingId, queued })
                  : pending.what === 'resume'
                    ? t('confirm-resume', { mailing: mailingId, queued })
                    : `${t(pending.states.includes('uncertain') ? 'confirm-resend-uncertain' : 'confirm-resend-failed', { count: pending.count })}`
            }
            yes=${
              pending.what === 'cancel'
                ? t('yes-cancel', { queued })
                : pending.what === 'pause'
                  ? t('yes-pause', { queued })
                  : pending.what === 'resume'
                    ? t('yes-resume', { queued })
                    : t('yes-resend', { count: pending.count })
            }
            onYes=${() => run(pending)}
            onNo=${() => setPending(undefined)}
          />`
          : null
      }
      <${Notice} error=${actionError} ok=${ok} />
      <${Deliveries} mailingId=${mailingId} version=${data.complete ? 1 : 0} />`
        : error
          ? null
          : html`<p role="status">${t('loading')}</p>`
    }
  </section>`;
}

type DeliveryDetail = Detail & { mail?: Rendered };

export function Delivery({ mailingId, contactKey }: { mailingId: string; contactKey: string }) {
  const [d, error] = useLoad(
    () => get<DeliveryDetail>(`/api/mailings/${enc(mailingId)}/deliveries/${enc(contactKey)}`),
    [mailingId, contactKey],
  );
  return html`<section>
    <p><a href=${`#/mailings/${enc(mailingId)}`}>${t('back-to-mailing', { mailing: mailingId })}</a></p>
    <h1 tabindex="-1">${t('delivery-to')} <bdi>${d?.email ?? contactKey}</bdi></h1>
    <${Notice} error=${error} />
    ${
      d
        ? html`<dl class="facts">
          <dt>${t('col-name')}</dt><dd><bdi>${d.name}</bdi></dd>
          <dt>${t('col-state')}</dt><dd><${StateBadge} state=${d.state} /></dd>
          <dt>${t('language-col')}</dt><dd>${d.language}</dd>
          <dt>${t('role')}</dt><dd>${roleName(d.role)}</dd>
          <dt>${t('attempts')}</dt><dd>${d.attempts}</dd>
          ${d.sesMessageId ? html`<dt>${t('ses-id')}</dt><dd><code>${d.sesMessageId}</code></dd>` : null}
          ${d.reason ? html`<dt>${t('col-reason')}</dt><dd>${d.reason}</dd>` : null}
        </dl>
        <h2>${t('history')}</h2>
        <ol class="history" data-testid="history">${d.history.map(
          (h) =>
            html`<li><time datetime=${h.at}>${fullTime(h.at)}</time> <${StateBadge} state=${h.state} />${h.reason ? html` <span>${h.reason}</span>` : null}${h.by ? html` <span class="muted">${t('by-user', { user: h.by })}</span>` : null}${h.sesMessageId ? html` <span class="muted">SES <code>${h.sesMessageId}</code></span>` : null}</li>`,
        )}</ol>
        <h2>${t('the-mail')}</h2>
        ${d.mail ? html`<${MailView} mail=${d.mail} idPrefix="delivery" />` : html`<p>${t('cannot-render')}</p>`}`
        : null
    }
  </section>`;
}
