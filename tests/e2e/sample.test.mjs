// The sample journey, and what must hold on every page: no network beyond dist/, no CSP
// violation, no serious accessibility problem. Saves target/screenshots/overview.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DIST,
  ROOT,
  fileRows,
  launchBrowser,
  openApp,
  startServer,
  tempDir,
  totals,
  waitForState,
  writeMixedFixtures,
} from './harness.mjs';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const SCREENSHOTS = join(ROOT, 'target', 'screenshots');

let server;
let browser;
let temp;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  temp = tempDir();
});

after(async () => {
  await browser?.close();
  await server?.close();
  temp?.remove();
});

/** Fails unless `path` (a URL path) names a file in dist/. */
function assertInDist(path) {
  const file = resolve(DIST, '.' + (path === '/' ? '/index.html' : path));
  assert.ok(file.startsWith(DIST + sep), `${path} is inside dist/`);
  assert.ok(existsSync(file) && statSync(file).isFile(), `${path} is a file in dist/`);
}

function cspViolations(messages) {
  return messages.filter((m) => /Content Security Policy|Refused to/i.test(m.text));
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the sample', () => {
  test('the sample button shows the overview with a timeline', async () => {
    const { context, page, consoleMessages, pageErrors } = await openApp(browser, server);
    try {
      await page.click('#sample-button');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      const rows = await fileRows(page);
      assert.ok(rows.length > 0, 'the sample has files');
      const t = await totals(page);
      assert.equal(t.files, rows.length);
      assert.ok(t.events > 0, 'the sample has events');

      const svg = await page.$('#overview #timeline');
      assert.ok(svg, '#timeline is in #overview');
      assert.equal(await svg.evaluate((el) => el.tagName.toLowerCase()), 'svg');
      const box = await svg.boundingBox();
      assert.ok(box.width > 300 && box.height > 80, `timeline is drawn (${box.width}x${box.height})`);
      const overview = await page.textContent('#overview');
      assert.match(overview, /Accounts/);
      assert.match(overview, /Regions/);
      assert.match(overview, /Event sources/);

      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });

      assert.deepEqual(pageErrors, []);
      assert.deepEqual(cspViolations(consoleMessages), []);
    } finally {
      await context.close();
    }
  });

  test('?sample loads the sample on start', async () => {
    const { context, page } = await openApp(browser, server, { query: '?sample' });
    try {
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      assert.ok((await totals(page)).events > 0);
      assert.ok(await page.$('#overview #timeline'));
    } finally {
      await context.close();
    }
  });
});

describe('offline and locked down', () => {
  test('no request leaves the page, and each is for a file of dist/', async () => {
    const { context, page, consoleMessages, pageErrors } = await openApp(browser, server);
    try {
      const requests = [];
      // The context sees the page's requests and its worker's.
      context.on('request', (request) => requests.push(request.url()));
      await page.reload();
      await page.waitForSelector('#load-status');
      await page.setInputFiles('#file-input', writeMixedFixtures(temp.dir));
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      await page.click('#sample-button');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');

      assert.ok(
        requests.some((url) => new URL(url).pathname.endsWith('/worker_bg.wasm')),
        "the worker's requests are seen",
      );
      for (const url of requests) {
        const parsed = new URL(url);
        assert.equal(parsed.origin, server.origin, `${url} goes to the test server only`);
        assertInDist(decodeURIComponent(parsed.pathname));
      }
      // And from the server's side, whoever asked.
      for (const { path } of server.served) assertInDist(path);

      assert.deepEqual(pageErrors, []);
      assert.deepEqual(cspViolations(consoleMessages), [], 'no CSP violation under the real policy');
      assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
    } finally {
      await context.close();
    }
  });

  test('the CSP is the strict one, with the loader pinned by hash', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (el) => el.content);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /__TRUNK_INLINE_HASH__|'unsafe-inline'|'unsafe-eval'/);
      assert.equal(await page.$('[style]'), null, 'no inline style attribute anywhere');
    } finally {
      await context.close();
    }
  });
});

describe('accessibility', () => {
  test('axe finds no serious or critical problem, empty and with the sample loaded', async () => {
    // Only this context bypasses the CSP, to inject axe.
    const { context, page } = await openApp(browser, server, { bypassCSP: true });
    try {
      assert.equal(await waitForState(page, 'idle'), 'idle');
      assert.deepEqual(await axeViolations(page), [], 'empty page');

      await page.click('#sample-button');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      assert.deepEqual(await axeViolations(page), [], 'sample loaded');
    } finally {
      await context.close();
    }
  });

  test('every control has a visible label and is reachable with the keyboard', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      for (const id of ['file-input', 'folder-input']) {
        const label = await page.$(`label[for="${id}"]`);
        assert.ok(label, `#${id} has a label`);
        assert.ok(await label.isVisible(), `#${id}'s label is visible`);
      }
      // After the navigation's links (one per view), the loader's controls come first.
      const navLinks = await page.$$eval('.site-nav a', (as) => as.length);
      const focused = [];
      for (let i = 0; i < navLinks + 6; i++) {
        await page.keyboard.press('Tab');
        focused.push(await page.evaluate(() => document.activeElement?.id ?? ''));
      }
      for (const id of ['file-input', 'folder-input', 'sample-button']) {
        assert.ok(focused.includes(id), `Tab reaches #${id} (${focused.join(', ')})`);
      }
      // The sample starts from the keyboard.
      await page.focus('#sample-button');
      await page.keyboard.press('Enter');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
    } finally {
      await context.close();
    }
  });
});
