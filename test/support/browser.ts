import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

// What functions run inside the page see (the project's types have no DOM library).
declare const document: { querySelectorAll(selector: string): Iterable<BrowserControl> };
interface BrowserControl {
  type: string;
  labels: { length: number } | null;
  outerHTML: string;
  getAttribute(name: string): string | null;
}

/** Debian's Chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (CI runs as root), nothing that talks to Google or waits on the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where a browser spec keeps its screenshots: test-artifacts/<name>/ at the repository root (git-ignored), emptied first. */
export function artifactsDir(name: string): string {
  const dir = path.resolve(__dirname, '..', '..', 'test-artifacts', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * What the page reports that a test should fail on: uncaught errors, and console errors other than Chromium's
 * note of an HTTP error answer (the portal shows those itself), e.g. a Content-Security-Policy violation.
 */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().startsWith('Failed to load resource: the server responded with a status of')) return;
    problems.push(`console error: ${message.text()}`);
  });
  return { problems };
}

/** Controls in the page without a label (a <label for>, aria-label or aria-labelledby): should be none. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('input, select, textarea'))
      .filter((control) => control.type !== 'hidden' && control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
      .map((control) => control.outerHTML),
  );
}
