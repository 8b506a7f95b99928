/** Shared pieces of the console: the `html` template tag, messages, confirmation, mail frame. */
import htm from 'htm';
import { h, type VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { DELIVERY_STATES } from '../../functions/store/model';
import { ApiFailure, type Counts, type Rendered } from './api';

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
      <button type="button" onClick=${props.onNo}>Keep it as it is</button>
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

export function StateBadge({ state }: { state: string }) {
  return html`<span class=${`badge s-${state}`}>${state}</span>`;
}

export function CountsLine({ counts, compact }: { counts: Counts; compact?: boolean }) {
  const shown = STATES.filter(
    (s) => (counts[s] ?? 0) > 0 || (!compact && ['queued', 'sent', 'delivered'].includes(s)),
  );
  return html`<span class="counts">${shown.map((s) => html`<span class=${`c s-${s}`}>${s} ${counts[s] ?? 0}</span> `)}</span>`;
}

export const shortTime = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 16) : '');

/**
 * A rendered mail: HTML in a sandboxed frame (no scripts, its own origin) at desktop (600 px) or
 * phone (375 px) width, or its plain-text part.
 */
export function MailView({ mail, idPrefix }: { mail: Rendered; idPrefix: string }) {
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  const [part, setPart] = useState<'html' | 'text'>('html');
  const name = `${idPrefix}-${mail.language}`;
  return html`<div class="mail" lang=${mail.rendered} dir=${mail.dir}>
    <p class="subject" dir="ltr"><span class="label" lang="en">Subject: </span><bdi>${mail.subject}</bdi></p>
    <div class="row" lang="en" dir="ltr">
      <fieldset class="seg">
        <legend class="sr">Width (${mail.language})</legend>
        <label><input type="radio" name=${`${name}-w`} checked=${width === 'desktop'} onChange=${() => setWidth('desktop')} /> Desktop</label>
        <label><input type="radio" name=${`${name}-w`} checked=${width === 'phone'} onChange=${() => setWidth('phone')} /> Phone</label>
      </fieldset>
      <fieldset class="seg">
        <legend class="sr">Part (${mail.language})</legend>
        <label><input type="radio" name=${`${name}-p`} checked=${part === 'html'} onChange=${() => setPart('html')} /> HTML</label>
        <label><input type="radio" name=${`${name}-p`} checked=${part === 'text'} onChange=${() => setPart('text')} /> Plain text</label>
      </fieldset>
    </div>
    ${
      part === 'html'
        ? html`<iframe
            class=${`frame ${width}`}
            title=${`Rendered mail, ${mail.language}, ${width} width`}
            sandbox=""
            srcdoc=${mail.html}
            data-dir=${mail.dir}
            data-lang=${mail.rendered}
          ></iframe>`
        : html`<pre class="text" data-part="text">${mail.text}</pre>`
    }
    <p class="muted" lang="en" dir="ltr">Rendered for ${mail.recipient === 'sample' ? 'a sample person (nobody in the audience has this language)' : mail.recipient}${mail.rendered !== mail.language ? ` — ${mail.language} falls back to ${mail.rendered}` : ''}.</p>
  </div>`;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (t) clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
