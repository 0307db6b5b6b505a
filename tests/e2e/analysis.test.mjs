// The analysis views over the sample, checked against the CLI's report of the same sample (so
// the numbers are not the page agreeing with itself): findings with their evidence events, the
// table inventory, and the tag policy editor whose edits change the coverage and survive a
// reload. Saves target/screenshots/{findings,tables,tags}.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launchBrowser, openApp, startServer, waitForState } from './harness.mjs';

const SCREENSHOTS = join(ROOT, 'target', 'screenshots');

let server;
let browser;
let expected;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
  expected = JSON.parse(
    execFileSync('cargo', ['run', '-q', '-p', 'ddb-lens-cli', '--', 'report', '--sample'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    }).toString('utf8'),
  );
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function go(page, route) {
  await page.goto(page.url().split('#')[0] + route);
}

async function loadSample(page) {
  await page.click('#sample-button');
  assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
}

describe('analysis views', () => {
  test('findings match the CLI and open their evidence events', async () => {
    const { context, page, pageErrors } = await openApp(browser, server);
    try {
      await loadSample(page);
      await go(page, '#/findings');
      await page.waitForSelector('#findings-summary');
      const summary = await page.textContent('#findings-summary');
      assert.ok(expected.findings.length > 0, 'the sample has findings');
      assert.match(summary, new RegExp(`^${expected.findings.length} findings from ${expected.rules.length} rules`));
      const rows = await page.$$eval('#findings tbody tr', (trs) => trs.length);
      assert.equal(rows, Math.min(50, expected.findings.length));

      // The first card's first evidence event is read again from its file.
      const first = expected.findings[0];
      await page.click('details.finding >> nth=0 >> summary');
      await page.click('details.finding >> nth=0 >> .evidence-link >> nth=0');
      await page.waitForSelector('#evidence-json');
      const json = JSON.parse(await page.textContent('#evidence-json'));
      assert.ok(json.eventID, 'the evidence is a CloudTrail event');
      assert.equal(new Date(json.eventTime).getTime(), first.evidence[0].time_ms);
      await page.screenshot({ path: join(SCREENSHOTS, 'findings.png'), fullPage: false });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('the table inventory lists every table the CLI does', async () => {
    const { context, page, pageErrors } = await openApp(browser, server);
    try {
      await loadSample(page);
      await go(page, '#/tables');
      await page.waitForSelector('#tables-summary');
      assert.equal(await page.textContent('#tables-summary'), `${expected.tables.length} tables.`);
      const first = expected.tables[0];
      await page.fill('#inventory-filter', first.name);
      const names = await page.$$eval('#inventory tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
      assert.ok(names.includes(first.name), `${first.name} is listed`);
      await page.fill('#inventory-filter', '');
      await page.screenshot({ path: join(SCREENSHOTS, 'tables.png'), fullPage: false });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('editing the tag policy changes the coverage, and the policy survives a reload', async () => {
    const { context, page, pageErrors } = await openApp(browser, server);
    try {
      await loadSample(page);
      await go(page, '#/tags');
      await page.waitForSelector('#tag-summary');
      const before = await page.textContent('#tag-summary');
      const compliant = (text) => Number(/carry every required key with an allowed value/.test(text) && text.match(/; (\d+) of/)[1]);
      assert.equal(compliant(before), expected.tags.coverage.compliant.count);
      assert.ok(await page.$('#tag-bars svg'), 'coverage bars drawn');
      assert.ok(await page.$('#tag-heatmap svg'), 'heatmap drawn');

      // Only "prod" allowed for Environment: fewer tables comply, as the worker recomputes.
      const values = page.locator('tr[data-key="Environment"] .policy-key-values');
      await values.fill('prod');
      await values.press('Tab');
      await page.waitForFunction((old) => document.querySelector('#tag-summary')?.textContent !== old, before);
      const after = await page.textContent('#tag-summary');
      assert.ok(compliant(after) < compliant(before), `${after} < ${before}`);
      await page.screenshot({ path: join(SCREENSHOTS, 'tags.png'), fullPage: true });

      await page.reload();
      await go(page, '#/tags');
      await page.waitForSelector('tr[data-key="Environment"] .policy-key-values');
      assert.equal(await page.inputValue('tr[data-key="Environment"] .policy-key-values'), 'prod');
      // Back to the default for the other tests of this browser profile.
      await page.click('#policy-reset');
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
