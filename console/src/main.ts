/** The organizer console: layout, navigation (hash routes) and the signed-in person. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, type Me, setApiBase } from './api';
import { ensureSignedIn, loadConfig, signIn } from './auth';
import { Compose } from './pages/compose';
import { Press, Rejections, Suppressions } from './pages/lists';
import { Delivery, Mailing } from './pages/mailing';
import { Overview } from './pages/overview';
import { html, Notice } from './ui';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => {
      setHash(location.hash || '#/');
      // Move focus to the new page's heading so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function page(hash: string, me: Me) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === 'new') return html`<${Compose} me=${me} />`;
  if (first === 'mailings' && second && third === 'deliveries' && fourth)
    return html`<${Delivery} mailingId=${second} contactKey=${fourth} />`;
  if (first === 'mailings' && second) return html`<${Mailing} mailingId=${second} me=${me} />`;
  if (first === 'rejections') return html`<${Rejections} />`;
  if (first === 'suppressions') return html`<${Suppressions} me=${me} />`;
  if (first === 'press') return html`<${Press} />`;
  return html`<${Overview} me=${me} />`;
}

function App() {
  const hash = useHash();
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    get<Me>('/api/me').then(setMe, setError);
  }, []);
  const current = (prefix: string) =>
    (prefix === '#/' ? hash === '#/' || hash === '' : hash.startsWith(prefix)) ? 'page' : undefined;
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>Skip to content</a>
    <header>
      <p class="brand">communiqué <span class="muted">console</span></p>
      <nav aria-label="Main">
        <ul>
          <li><a href="#/" aria-current=${current('#/')}>Overview</a></li>
          ${me?.can.compose ? html`<li><a href="#/new" aria-current=${current('#/new')}>New mailing</a></li>` : null}
          <li><a href="#/press" aria-current=${current('#/press')}>Press</a></li>
          ${me?.can.read ? html`<li><a href="#/rejections" aria-current=${current('#/rejections')}>Rejected events</a></li>` : null}
          ${me?.can.read ? html`<li><a href="#/suppressions" aria-current=${current('#/suppressions')}>Suppressions</a></li>` : null}
        </ul>
      </nav>
      ${me ? html`<p class="who">Signed in as <strong>${me.user}</strong> <span class="muted">(${me.groups.join(', ') || 'no group'})</span></p>` : null}
    </header>
    <main id="main" tabindex="-1">
      ${error ? html`<${Notice} error=${error} /><p><button type="button" onClick=${signIn}>Sign in</button></p>` : null}
      ${me ? page(hash, me) : error ? null : html`<p role="status">Loading…</p>`}
    </main>`;
}

const config = await loadConfig().catch(() => ({ mode: 'local' as const, apiBase: '' }));
setApiBase(config.apiBase);
await ensureSignedIn();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
