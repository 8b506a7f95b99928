/**
 * A test send's mail, for the console (api/mailings.ts) and the CLI (`mailing test-send`) alike.
 */
import { type ComposedMail, type ComposeEnv, composeTestMail } from '../sending/compose.js';
import { getMailing, type StoreDeps } from '../store/store.js';
import { ensurePreparedText } from './prepared-text.js';

/**
 * The mailing as one recipient would get it, addressed to `to`; records nothing. A mailing stored
 * by an earlier version has no prepared text until the clock writes it, and the clock does so
 * only for mailings that can send: a scheduled or dry-run one gets it here first.
 */
export async function composeTestSend(
  store: StoreDeps,
  env: ComposeEnv,
  options: { mailingId: string; to: string; language?: string },
): Promise<ComposedMail> {
  const mailing = await getMailing(store, options.mailingId);
  if (mailing) await ensurePreparedText(store, mailing, { anyState: true });
  return composeTestMail(store, env, options);
}
