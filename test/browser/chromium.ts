/**
 * The headless Chromium the browser tests drive: the machine's (CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium), with nothing of its own going to the network.
 */
import { type Browser, chromium } from 'playwright-core';

/** Launches headless Chromium for one test file; the file closes it in `afterAll`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
