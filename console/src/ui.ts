/** Shared pieces of the console: the `html` template tag, messages, confirmation, mail frame. */
import htm from 'htm';
import { type ComponentChildren, h, type VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DELIVERY_STATES } from '../../functions/store/model';
import { ApiFailure, type Counts, type Rendered } from './api';
import { t, uiLanguage } from './i18n';

export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

/** The delivery states in pipeline order (as the CLI shows them): the store's own list. */
export const STATES = DELIVERY_STATES;

export function messageOf(error: unknown): string {
  return error instanceof ApiFailure || error instanceof Error ? error.message : String(error);
}

/** An error or notice, announced to screen readers. */
export function Notice({ error, ok }: { error?: unknown; ok?: string }) {
  if (error) return html`<p class="notice error" role="alert">${messageOf(error)}</p>`;
  if (ok) return html`<p class="notice ok" role="status">${ok}</p>`;
  return null;
}

/** Loads data for a page, with reload. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | undefined, unknown, () => void] {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (live) {
          setData(d);
          setError(undefined);
        }
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [data, error, () => setTick((t) => t + 1)];
}

/** An inline confirmation that names what will happen; focus moves to it. */
export function Confirm(props: {
  message: string;
  yes: string;
  onYes: () => void;
  onNo: () => void;
  danger?: boolean;
  busy?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-msg" tabindex="-1" ref=${ref}>
    <p id="confirm-msg">${props.message}</p>
    <div class="row">
      <button type="button" class=${props.danger ? 'danger' : 'primary'} disabled=${props.busy} onClick=${props.onYes}>${props.yes}</button>
      <button type="button" onClick=${props.onNo}>${t('keep-as-is')}</button>
    </div>
  </div>`;
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.round((100 * value) / max) : 0;
  return html`<div class="progress">
    <progress value=${value} max=${Math.max(max, 1)} aria-label=${label}></progress>
    <span>${value} / ${max} (${pct}%)</span>
  </div>`;
}

/** A state's name in the console's language (the code itself when it has no message). */
export const stateName = (state: string) => t(`state-${state}`).replace(/^state-/, '');

/** A mail kind's and a role's name in the console's language. */
export const kindName = (kind: string) => t(`kind-${kind}`).replace(/^kind-/, '');
export const roleName = (role: string) => t(`role-${role}`).replace(/^role-/, '');

/**
 * A table that may scroll sideways (a phone, a long address): a labelled region the keyboard can
 * reach and scroll, so that the scrolled part is not out of reach (axe: scrollable-region-focusable).
 */
export function TableRegion({ label, children }: { label: string; children?: ComponentChildren }) {
  return html`<div class="scroll" role="region" aria-label=${label} tabindex="0">${children}</div>`;
}

export function StateBadge({ state }: { state: string }) {
  return html`<span class=${`badge s-${state}`}>${stateName(state)}</span>`;
}

export function CountsLine({ counts, compact }: { counts: Counts; compact?: boolean }) {
  const shown = STATES.filter(
    (s) => (counts[s] ?? 0) > 0 || (!compact && ['queued', 'sent', 'delivered'].includes(s)),
  );
  return html`<span class="counts">${shown.map((s) => html`<span class=${`c s-${s}`}>${stateName(s)} ${counts[s] ?? 0}</span> `)}</span>`;
}

/** Text kept left to right inside right-to-left text (a date and time keeps its order in Arabic). */
export const ltr = (text: string) => `\u2066${text}\u2069`;

export const shortTime = (iso: string | undefined) => (iso ? ltr(iso.replace('T', ' ').slice(0, 16)) : '');

/**
 * A rendered mail: HTML in a sandboxed frame (no scripts, its own origin) at desktop (600 px) or
 * phone (375 px) width, or its plain-text part.
 */
export function MailView({ mail, idPrefix }: { mail: Rendered; idPrefix: string }) {
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  const [part, setPart] = useState<'html' | 'text'>('html');
  const name = `${idPrefix}-${mail.language}`;
  // The console's own words around the mail are in the console's language and direction.
  const ui = { lang: uiLanguage(), dir: document.documentElement.dir || 'ltr' };
  return html`<div class="mail" lang=${mail.rendered} dir=${mail.dir}>
    <p class="subject" lang=${ui.lang} dir=${ui.dir}><span class="label">${t('subject')} </span><bdi lang=${mail.rendered} dir=${mail.dir}>${mail.subject}</bdi></p>
    <div class="row" lang=${ui.lang} dir=${ui.dir}>
      <fieldset class="seg">
        <legend class="sr">${t('width-of', { language: mail.language })}</legend>
        <label><input type="radio" name=${`${name}-w`} checked=${width === 'desktop'} onChange=${() => setWidth('desktop')} /> ${t('desktop')}</label>
        <label><input type="radio" name=${`${name}-w`} checked=${width === 'phone'} onChange=${() => setWidth('phone')} /> ${t('phone')}</label>
      </fieldset>
      <fieldset class="seg">
        <legend class="sr">${t('part-of', { language: mail.language })}</legend>
        <label><input type="radio" name=${`${name}-p`} checked=${part === 'html'} onChange=${() => setPart('html')} /> HTML</label>
        <label><input type="radio" name=${`${name}-p`} checked=${part === 'text'} onChange=${() => setPart('text')} /> ${t('plain-text')}</label>
      </fieldset>
    </div>
    ${
      part === 'html'
        ? html`<iframe
            class=${`frame ${width}`}
            title=${t('frame-title', { language: mail.language, width: t(width) })}
            sandbox=""
            srcdoc=${mail.html}
            data-dir=${mail.dir}
            data-lang=${mail.rendered}
          ></iframe>`
        : html`<pre class="text" data-part="text">${mail.text}</pre>`
    }
    <p class="muted" lang=${ui.lang} dir=${ui.dir}>${mail.recipient === 'sample' ? t('rendered-for-sample') : t('rendered-for', { recipient: mail.recipient })}${mail.rendered !== mail.language ? ` ${t('falls-back', { language: mail.language, rendered: mail.rendered })}` : ''}</p>
  </div>`;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (t) clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
