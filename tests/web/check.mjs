// Checks a built okr site the way a browser and the W3C validator see it:
//
// 1. every HTML page and the stylesheet pass the Nu HTML Checker (vnu.jar, run
//    with the machine's Java) without errors;
// 2. headless Chromium, served the site under a sub-path from a server on
//    127.0.0.1, opens the overview and, following the site's own links, an
//    objective, a team, a person and the health page, in light and dark
//    colour schemes: no console errors, no failed requests, no request
//    leaving 127.0.0.1, no broken internal link, no serious or critical axe-core
//    violation; a full-page screenshot of each.
//
// Usage: node check.mjs --site DIR --base /acme-okrs/ --screenshots DIR
// Exit code 0 when every check passed, 1 when one failed, 2 when it could not run.

import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { serve } from './serve.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

const options = parseArgs(process.argv.slice(2), {
  site: null,
  base: '/acme-okrs/',
  screenshots: null,
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  java: process.env.JAVA || 'java',
});
if (!options.site || !options.screenshots || !options.base.startsWith('/') || !options.base.endsWith('/')) {
  console.error('usage: node check.mjs --site DIR --screenshots DIR [--base /sub-path/] [--chromium PATH] [--java PATH]');
  process.exit(2);
}

// The impacts that fail the check; minor and moderate ones are printed only.
const FAILING_IMPACTS = new Set(['serious', 'critical']);
// No page may take longer than this to load and check: a hang fails the run rather than stalling CI.
const PAGE_TIMEOUT_MS = 30_000;
const VNU_TIMEOUT_MS = 5 * 60_000;
// Content types of what a site may hold; anything else is served as bytes.

/** One line per check, printed as it finishes and counted in the summary. */
const results = [];
function record(name, problems) {
  results.push({ name, problems });
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
  for (const problem of problems) console.log(`       ${problem}`);
}

async function main() {
  try {
    const site = path.resolve(options.site);
    await validate(site);
    await browse(site);
  } catch (error) {
    console.error(`web check could not run: ${error.stack || error}`);
    return 2;
  }
  const failed = results.filter((r) => r.problems.length > 0);
  console.log(`screenshots: ${path.resolve(options.screenshots)}`);
  console.log(`web-check: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

// ------------------------------------------------------------------ validator

async function validate(site) {
  const files = (await walk(site)).sort();
  const pages = files.filter((f) => f.endsWith('.html'));
  const styles = files.filter((f) => f.endsWith('.css'));
  if (pages.length === 0) throw new Error(`no HTML pages under ${site}`);
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  // JSON goes to stderr; --errors-only leaves warnings (advice, not violations) out.
  const { code, stderr } = await run(
    options.java,
    ['-jar', jar, '--errors-only', '--also-check-css', '--format', 'json', ...pages, ...styles],
    VNU_TIMEOUT_MS,
  );
  let messages;
  try {
    // The JVM may print a line of its own (e.g. "Picked up JAVA_TOOL_OPTIONS") before the report.
    messages = JSON.parse(stderr.slice(stderr.search(/^\{/m))).messages;
  } catch {
    throw new Error(`the Nu HTML Checker did not report (exit ${code}): ${stderr.slice(0, 2000)}`);
  }
  // Any non-info message is an error here ("error" or "non-document-error", e.g. an unreadable file).
  const errors = messages.filter((m) => m.type !== 'info');
  const byFile = new Map();
  for (const m of errors) {
    const file = m.url ? path.relative(site, fileURLToPath(m.url)) : '(no file)';
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(`${file}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.message}`);
  }
  if (errors.length === 0 && code !== 0) {
    throw new Error(`the Nu HTML Checker exited ${code} without reporting an error: ${stderr.slice(0, 2000)}`);
  }
  record(
    `Nu HTML Checker: ${pages.length} pages and ${styles.length} stylesheet${styles.length === 1 ? '' : 's'}`,
    [...byFile.values()].flat(),
  );
}

// ------------------------------------------------------------------ browser

async function browse(site) {
  const server = await serve(site, options.base);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const screenshots = path.resolve(options.screenshots);
  await rm(screenshots, { recursive: true, force: true });
  await mkdir(screenshots, { recursive: true });
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

  const browser = await chromium.launch({
    executablePath: options.chromium,
    headless: true,
    // Never a browser build of Playwright's own; no traffic to Google's services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(PAGE_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
      const offsite = [];
      // Every request the pages make must stay on the local server.
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.origin === origin) return route.continue();
        offsite.push(url.href);
        return route.abort('blockedbyclient');
      });

      // The pages to open, each found by following the previous page's links,
      // so the links themselves are checked under the sub-path. The person is
      // reached through an objective of theirs that supports the team, so
      // their page has objectives to show; `via` is that page in between.
      const base = options.base;
      const tour = [
        { name: 'overview', from: null, link: null, path: base },
        { name: 'objective', from: 'overview', link: `.card-title a[href^="${base}objectives/"]` },
        { name: 'team', from: 'overview', link: `.teams-table a[href^="${base}teams/"]` },
        {
          name: 'person',
          from: 'team',
          link: `.objective-lines a[href^="${base}objectives/"]`,
          via: `.page-head a.owner[href^="${base}people/"]`,
        },
        { name: 'health', from: 'overview', link: `.health-link[href^="${base}health/"]` },
      ];
      const visited = new Map();
      for (const stop of tour) {
        let target = stop.path;
        if (stop.from) {
          target = visited.get(stop.from)?.links.get(stop.link);
          if (!target) {
            record(`${stop.name} (${colorScheme}): reached from the ${stop.from} page`, [
              `no link matching ${stop.link} on the ${stop.from} page`,
            ]);
            continue;
          }
        }
        if (stop.via) {
          const between = await context.newPage();
          await between.goto(origin + target);
          const href = await between.locator(stop.via).first().getAttribute('href', { timeout: 2000 }).catch(() => null);
          await between.close();
          if (!href) {
            record(`${stop.name} (${colorScheme}): reached through ${target}`, [
              `no link matching ${stop.via} on ${target}`,
            ]);
            continue;
          }
          target = href;
        }
        const offsiteBefore = offsite.length;
        const page = await context.newPage();
        const { problems, links } = await visit(page, origin, target, stop, tour, axeSource);
        problems.push(...offsite.slice(offsiteBefore).map((url) => `request leaving 127.0.0.1: ${url}`));
        const shot = path.join(screenshots, `${stop.name}-${colorScheme}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        await page.close();
        visited.set(stop.name, { links });
        record(`${stop.name} (${colorScheme}) ${target}`, problems);
      }
      await context.close();
      await fitsPhones(browser, origin, site, colorScheme);
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The smallest chart text a phone may show, in CSS pixels as rendered. */
const MIN_CHART_TEXT_PX = 10.5;

/**
 * Opens every page of the site 390 px wide: none may scroll sideways. Names
 * the elements that stick out, so that a failure says where to look.
 */
async function fitsPhones(browser, origin, site, colorScheme) {
  const width = 390;
  const context = await browser.newContext({ colorScheme, viewport: { width, height: 844 } });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  await context.route('**/*', (route) =>
    new URL(route.request().url()).origin === origin ? route.continue() : route.abort('blockedbyclient'),
  );
  const pages = (await walk(site)).filter((f) => f.endsWith('.html')).sort();
  const problems = [];
  const textProblems = [];
  const page = await context.newPage();
  for (const file of pages) {
    const relative = path.relative(site, file).split(path.sep).join('/');
    const url = options.base + relative.replace(/(^|\/)index\.html$/, '$1');
    await page.goto(origin + url, { waitUntil: 'load' });
    const wide = await page.evaluate((width) => {
      const scroll = document.documentElement.scrollWidth;
      if (scroll <= width) return null;
      const out = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 1)
        .slice(-3)
        .map((e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''}`);
      return { scroll, out };
    }, width);
    if (wide) problems.push(`${url} is ${wide.scroll} px wide: ${wide.out.join(', ')}`);
    // Chart text is in the chart's units, which shrink with the chart: the
    // font size times the chart's scale is what a reader sees.
    const small = await page.evaluate((least) => {
      const sizes = [...document.querySelectorAll('svg text')]
        .filter((t) => t.getClientRects().length > 0)
        .map((t) => {
          const svg = t.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width);
          return { text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * scale };
        })
        .filter((t) => t.size < least);
      return sizes.slice(0, 3).map((t) => `"${t.text}" ${t.size.toFixed(1)} px`);
    }, MIN_CHART_TEXT_PX);
    if (small.length > 0) textProblems.push(`${url}: chart text below ${MIN_CHART_TEXT_PX} px: ${small.join(', ')}`);
  }
  await context.close();
  record(`every page fits ${width} px (${colorScheme}): ${pages.length} pages`, problems);
  record(`chart text is ${MIN_CHART_TEXT_PX} px or more at ${width} px (${colorScheme})`, textProblems);
}

/** Opens one page and returns what is wrong with it and the links later stops follow. */
async function visit(page, origin, target, stop, tour, axeSource) {
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Off-site requests are aborted on purpose and reported on their own.
    if (new URL(request.url()).origin === origin) {
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });

  const response = await page.goto(origin + target, { waitUntil: 'load' });
  if (!response || response.status() !== 200) {
    problems.push(`${target} answered ${response ? response.status() : 'nothing'}`);
  }

  // The site promises to work without script and with every link under the base URL.
  const hrefs = await page.$$eval('a[href]', (anchors) => anchors.map((a) => a.getAttribute('href')));
  for (const href of new Set(hrefs)) {
    if (href.startsWith('#')) continue;
    const url = new URL(href, origin + target);
    if (url.origin !== origin) continue;
    if (!url.pathname.startsWith(options.base)) {
      problems.push(`link outside ${options.base}: ${href}`);
      continue;
    }
    // HEAD from here, not the browser: a broken link is a problem of this page.
    const answer = await fetch(url, { method: 'HEAD' });
    if (answer.status !== 200) problems.push(`broken link ${href}: HTTP ${answer.status}`);
  }
  if (stop.name === 'objective') problems.push(...(await repositoryLinks(page)));
  const links = new Map();
  for (const next of tour.filter((t) => t.from === stop.name)) {
    const href = await page.locator(next.link).first().getAttribute('href', { timeout: 2000 }).catch(() => null);
    if (href) links.set(next.link, href);
  }

  // axe-core runs inside the page; it checks contrast with the colours actually shown.
  await page.evaluate(axeSource);
  const axe = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        count: v.nodes.length,
      })),
    ),
  );
  for (const v of axe) {
    const line = `axe ${v.impact} ${v.id}: ${v.help} (${v.count}× e.g. ${v.targets.join(', ')})`;
    if (FAILING_IMPACTS.has(v.impact)) problems.push(line);
    else console.log(`       note: ${line}`);
  }
  return { problems, links };
}

/**
 * The objective page's links into the repository (run.sh builds the site as
 * GitHub Actions would): one "Edit this objective", and a "Check in" beside
 * each key result, each a well-formed https address. They are not followed.
 */
async function repositoryLinks(page) {
  const problems = [];
  const links = (selector) =>
    page.$$eval(selector, (anchors) => anchors.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
  const parse = (href) => {
    try {
      const url = new URL(href);
      if (url.protocol === 'https:') return url;
    } catch {}
    problems.push(`not an https address: ${href}`);
    return null;
  };
  const edits = await links('.edit-link a[href]');
  if (edits.length !== 1 || edits[0].text !== 'Edit this objective') {
    problems.push(`one "Edit this objective" link expected, found ${JSON.stringify(edits)}`);
  }
  for (const { href } of edits) {
    const url = parse(href);
    if (url && !/^\/[^/]+\/[^/]+\/edit\/[^/]+\/.+\.md$/.test(url.pathname)) problems.push(`not an edit address: ${href}`);
  }
  const checkIns = await links('a.kr-check-in[href]');
  const keyResults = await page.locator('.kr-detail').count();
  if (checkIns.length === 0 || checkIns.length !== keyResults) {
    problems.push(`${checkIns.length} "Check in" links for ${keyResults} key results`);
  }
  for (const { text, href } of checkIns) {
    const url = parse(href);
    if (!url) continue;
    const query = url.searchParams;
    const wellFormed =
      text.startsWith('Check in') &&
      url.pathname.endsWith('/issues/new') &&
      query.get('template') === 'okr-check-in.yml' &&
      /^Check-in: ./.test(query.get('title') ?? '') &&
      /^[^/#]+\/[^/#]+#[^/#]+$/.test(query.get('key_result') ?? '');
    if (!wellFormed) problems.push(`not a check-in address: ${text} ${href}`);
  }
  return problems;
}

// ------------------------------------------------------------------ server


// ------------------------------------------------------------------ helpers

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Runs a program to the end (or kills it after `timeout` ms), keeping its output. */
function run(program, args, timeout) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} took longer than ${timeout / 1000} s`));
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${program}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in out) || i + 1 >= argv.length) {
      console.error(`unknown or incomplete option: ${argv[i]}`);
      process.exit(2);
    }
    out[key] = argv[++i];
  }
  return out;
}

process.exitCode = await main();
