/** The organizer console: layout, navigation (hash routes) and the signed-in person. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, type Me, setApiBase } from './api';
import { ensureSignedIn, loadConfig, signIn } from './auth';
import {
  applyToDocument,
  languageName,
  setUiLanguage,
  t,
  UI_LANGUAGES,
  type UiLang,
  uiLanguage,
} from './i18n';
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
  const [lang, setLang] = useState<UiLang>(uiLanguage());
  useEffect(() => {
    get<Me>('/api/me').then(setMe, setError);
  }, []);
  const switchTo = (l: UiLang) => {
    setUiLanguage(l);
    setLang(l);
  };
  const current = (prefix: string) =>
    (prefix === '#/' ? hash === '#/' || hash === '' : hash.startsWith(prefix)) ? 'page' : undefined;
  return html`
    <a class="skip" href="#main" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>${t('skip')}</a>
    <header>
      <p class="brand">communiqué <span class="muted">${t('brand-console')}</span></p>
      <nav aria-label=${t('nav-label')}>
        <ul>
          <li><a href="#/" aria-current=${current('#/')}>${t('nav-overview')}</a></li>
          ${me?.can.compose ? html`<li><a href="#/new" aria-current=${current('#/new')}>${t('nav-new')}</a></li>` : null}
          <li><a href="#/press" aria-current=${current('#/press')}>${t('nav-press')}</a></li>
          ${me?.can.read ? html`<li><a href="#/rejections" aria-current=${current('#/rejections')}>${t('nav-rejections')}</a></li>` : null}
          ${me?.can.read ? html`<li><a href="#/suppressions" aria-current=${current('#/suppressions')}>${t('nav-suppressions')}</a></li>` : null}
        </ul>
      </nav>
      <label class="lang-switch">${t('language')}
        <select name="ui-lang" value=${lang} onChange=${(e: Event) => switchTo((e.target as HTMLSelectElement).value as UiLang)}>
          ${UI_LANGUAGES.map((l) => html`<option value=${l} lang=${l}>${languageName(l)}</option>`)}
        </select>
      </label>
      ${me ? html`<p class="who">${t('signed-in-as')} <strong><bdi>${me.user}</bdi></strong> <span class="muted">(${me.groups.join(', ') || t('no-group')})</span></p>` : null}
    </header>
    <main id="main" tabindex="-1">
      ${error ? html`<${Notice} error=${error} /><p><button type="button" onClick=${signIn}>${t('sign-in')}</button></p>` : null}
      ${me ? page(hash, me) : error ? null : html`<p role="status">${t('loading')}</p>`}
    </main>`;
}

applyToDocument();
const config = await loadConfig().catch(() => ({ mode: 'local' as const, apiBase: '' }));
setApiBase(config.apiBase);
await ensureSignedIn();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
