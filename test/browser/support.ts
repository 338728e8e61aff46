import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { useTestApp } from '../support/app';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

// Chromium logs a CSP violation to the console too; the event also names the directive and the blocked URL.
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests cannot run. ` +
        'Install it with `apt-get update && apt-get install -y --no-install-recommends chromium` (or set CHROMIUM_PATH).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Console errors the test expects (e.g. the 401 of a refused sign-in); everything else fails it. */
  expectedConsoleErrors?: RegExp[];
}

/**
 * A database of the file's own, the real app listening on a loopback port and a headless
 * Chromium. Every page a test opens gets a fresh browser context (no shared cookies); page
 * errors and console errors, CSP violations included, fail the test that caused them.
 */
export function useBrowserApp(overrides: Record<string, string> = {}) {
  const t = useTestApp(overrides);
  let browser: Browser | undefined;
  let server: Server | undefined;
  let baseUrl = '';
  let contexts: BrowserContext[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    server = await new Promise<Server>((resolve, reject) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
    const found = problems;
    problems = [];
    expect(found).toEqual([]);
  });

  afterAll(async () => {
    if (server) {
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    await browser?.close();
  });

  return {
    ...t,
    get baseUrl(): string {
      return baseUrl;
    },
    async newPage(options: PageOptions = {}): Promise<Page> {
      if (!browser) throw new Error('useBrowserApp(): the browser is not ready yet (open pages inside a test).');
      const context = await browser.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1280, height: 800 } });
      contexts.push(context);
      await context.addInitScript(REPORT_CSP_VIOLATIONS);
      // Well under the test timeout, so an element that never shows fails with its own message.
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const expected = options.expectedConsoleErrors ?? [];
      page.on('pageerror', (err) => problems.push(`page error on ${page.url()}: ${err.stack ?? err.message}`));
      page.on('console', (msg) => {
        if (msg.type() !== 'error' || expected.some((re) => re.test(msg.text()))) return;
        const where = msg.location().url || page.url();
        problems.push(`console error on ${where}: ${msg.text()}`);
      });
      return page;
    },
  };
}

/** Signs in through the real login form and waits for the home page. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.locator('form[action="/login"] button[type="submit"]').click()]);
  await page.getByTestId('home-greeting').waitFor();
}
