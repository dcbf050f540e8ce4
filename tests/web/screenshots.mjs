// Screenshots of every kind of page of the example site, as people see them:
// the first screen of each (what is seen before scrolling) on a desktop,
// 1280 px wide in the light colour scheme, and on a phone, 390 px wide in
// the dark one. docs/screenshots/ keeps them; see the README's web checks.
//
// Usage: node screenshots.mjs --site DIR [--base /acme-okrs/] --out DIR [--chromium PATH]
// Writes OUT/<kind>-desktop.png and OUT/<kind>-phone-dark.png; exit code 0,
// or 2 when it could not run.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const site = option('site', null);
const out = option('out', null);
const base = option('base', '/acme-okrs/');
const executablePath = option('chromium', '/usr/bin/chromium');
if (!site || !out) {
  console.error('usage: node screenshots.mjs --site DIR --out DIR [--base /sub-path/] [--chromium PATH]');
  process.exit(2);
}

// One page of each kind of the example organisation.
const PAGES = [
  ['overview', ''],
  ['period', 'periods/2026-Q3/'],
  ['objective', 'objectives/2026-Q4/boring-deploys/'],
  ['team', 'teams/platform/'],
  ['person', 'people/wei/'],
  ['health', 'health/'],
  ['changes', 'changes/'],
  ['not-found', 'no-such-page/'],
];
const VIEWS = [
  ['desktop', 'light', { width: 1280, height: 900 }],
  ['phone-dark', 'dark', { width: 390, height: 844 }],
];

const server = await serve(path.resolve(site), base);
const origin = `http://127.0.0.1:${server.address().port}`;
await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const [view, colorScheme, viewport] of VIEWS) {
    const context = await browser.newContext({ colorScheme, viewport, deviceScaleFactor: 1 });
    for (const [kind, pagePath] of PAGES) {
      const page = await context.newPage();
      await page.goto(origin + base + pagePath);
      const file = path.join(out, `${kind}-${view}.png`);
      await page.screenshot({ path: file });
      await page.close();
      console.log(file);
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
