/**
 * Preview gallery (`npm run preview`): renders every kind × language with the sample data, plus
 * a hostile-recipient page per language, into `preview/` — one HTML file per mail, its text part
 * beside it, and an index page that shows them side by side at phone and desktop width.
 *
 * The browser test (test/browser/gallery.test.ts) opens the same pages, via `preview/manifest.json`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import { ADDRESS_GOLDEN } from '../demo/address-golden.js';
import { HOSTILE_RECIPIENT, type Sample, sampleRecipient, samplesFor } from '../demo/samples.js';
import { escapeHtml } from '../functions/lib/text.js';
import { LANGUAGES, render } from '../functions/render/index.js';

/** Default output folder (gitignored). */
export const PREVIEW_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'preview');

/** One page of the gallery. */
export interface PreviewPage {
  readonly kind: string;
  readonly variant: string;
  readonly language: string;
  readonly dir: 'ltr' | 'rtl';
  readonly subject: string;
  /** File names relative to the preview folder. */
  readonly html: string;
  readonly text: string;
}

function indexPage(pages: readonly PreviewPage[]): string {
  const rows = pages
    .map(
      (page) => `<section>
  <h2><code>${escapeHtml(page.kind)}</code> · ${escapeHtml(page.variant)} · <code>${escapeHtml(page.language)}</code></h2>
  <p class="subject" dir="${page.dir}">${escapeHtml(page.subject)}</p>
  <p><a href="${escapeHtml(page.html)}">HTML</a> · <a href="${escapeHtml(page.text)}">text</a></p>
  <div class="frames">
    <iframe src="${escapeHtml(page.html)}" width="375" height="640" title="${escapeHtml(`${page.kind} ${page.language} 375px`)}" loading="lazy"></iframe>
    <iframe src="${escapeHtml(page.html)}" width="640" height="640" title="${escapeHtml(`${page.kind} ${page.language} 640px`)}" loading="lazy"></iframe>
  </div>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>communiqué — mail preview</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 24px; background: #f6f7f9; color: #1d2733; }
  section { margin: 0 0 40px; }
  h2 { font-size: 16px; margin: 0 0 4px; }
  .subject { margin: 0 0 4px; color: #5b6775; }
  .frames { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
  iframe { border: 1px solid #d5dbe3; background: #fff; }
</style>
</head>
<body>
<h1>communiqué — every kind × language (${pages.length} pages)</h1>
<p><a href="address.html">Forms of address: the golden table, as rendered</a></p>
${rows}
</body>
</html>
`;
}

/**
 * The golden table of forms of address (demo/address-golden.ts) as the real confirmation
 * template renders it: salutation and first reference per language, read back from the HTML, with
 * a mark where the rendering differs from the table.
 */
function addressPage(): string {
  const languages = ['en', 'ru', 'ar'] as const;
  const rows = ADDRESS_GOLDEN.map((c) => {
    const cells = languages.map((language) => {
      const sample = samplesFor({ email: 'golden@example.org', ...c.person }).find(
        (s) => s.kind === 'confirmation',
      ) as Sample<'confirmation'>;
      const mail = render('confirmation', language, sample.data);
      const $ = cheerio.load(mail.html);
      const salutation = $('.salutation').text();
      const reference = $('.reference').text();
      const ok = salutation === c[language].salutation && reference === c[language].reference;
      return `<td dir="${mail.dir}" lang="${language}" class="${ok ? 'ok' : 'diff'}">${escapeHtml(salutation)}<br><small>${escapeHtml(reference)}</small>${ok ? '' : `<br><small>expected: ${escapeHtml(c[language].salutation)}</small>`}</td>`;
    });
    const who = [
      c.person.honorific ?? '—',
      c.person.gender ?? '',
      c.person.title ? JSON.stringify(c.person.title) : '',
    ]
      .filter((part) => part !== '')
      .join(' · ');
    return `<tr><th scope="row"><code>${escapeHtml(c.id)}</code><br><small>${escapeHtml(c.rank)} · ${escapeHtml(who)}</small></th>${cells.join('')}</tr>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>communiqué — forms of address</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 24px; color: #1d2733; }
  table { border-collapse: collapse; }
  th, td { border: 1px solid #d5dbe3; padding: 6px 10px; vertical-align: top; text-align: start; }
  td[lang="ar"] { font-family: "Segoe UI", "Geeza Pro", "Noto Sans Arabic", Tahoma, sans-serif; }
  .diff { background: #fbe3e1; }
  small { color: #5b6775; }
</style>
</head>
<body>
<h1>Forms of address — golden table (${ADDRESS_GOLDEN.length} cases), salutation and first reference as rendered</h1>
<table>
<thead><tr><th>case</th><th>en</th><th>ru</th><th>ar</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

/**
 * Writes the gallery to `dir` (replacing what was there) and returns its pages. Each page is the
 * exact HTML the sender would put in the mail.
 */
export async function writePreview(dir: string = PREVIEW_DIR): Promise<PreviewPage[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const pages: PreviewPage[] = [];
  const write = async (sample: Sample, language: string, variant: string) => {
    const mail = render(sample.kind, language, sample.data as never);
    const base = `${sample.kind}-${variant}-${language}`;
    await writeFile(path.join(dir, `${base}.html`), mail.html);
    await writeFile(path.join(dir, `${base}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
    pages.push({
      kind: sample.kind,
      variant,
      language,
      dir: mail.dir,
      subject: mail.subject,
      html: `${base}.html`,
      text: `${base}.txt`,
    });
  };
  for (const language of LANGUAGES) {
    for (const sample of samplesFor(sampleRecipient(language))) await write(sample, language, sample.variant);
    // The layout must survive a 500-character unbreakable name and mixed scripts too.
    const hostile = samplesFor(HOSTILE_RECIPIENT).find((s) => s.kind === 'confirmation');
    if (hostile !== undefined) await write(hostile, language, 'hostile');
  }
  await writeFile(path.join(dir, 'index.html'), indexPage(pages));
  await writeFile(path.join(dir, 'address.html'), addressPage());
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(pages, null, 2)}\n`);
  return pages;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const pages = await writePreview();
  console.log(`preview: ${pages.length} mails → ${path.join(PREVIEW_DIR, 'index.html')}`);
}
