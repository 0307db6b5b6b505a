// The report journey: export the sample's report from the page (HTML, JSON, CSV), check it is
// byte-identical to `ddb-lens report --sample`, open the HTML from file:// with no request made,
// print it to PDF, re-open the JSON in a fresh page, and prove hostile strings stay inert in the
// page and in the exported HTML. Saves target/screenshots/report-page.png, report-html.png and
// report-print-1.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ROOT, launchBrowser, openApp, startServer, tempDir, waitForState } from './harness.mjs';

const SCREENSHOTS = join(ROOT, 'target', 'screenshots');

let server;
let browser;
let temp;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  temp = tempDir();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
  temp?.remove();
});

/** `ddb-lens report` through cargo, so the test uses the CLI of this checkout. */
function cli(args) {
  return execFileSync('cargo', ['run', '-q', '-p', 'ddb-lens-cli', '--', 'report', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    // The sample's JSON report is a few MB; execFileSync's default buffer is 1 MB.
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Clicks `selector` and saves the download it starts; returns its path. */
async function download(page, selector, dir) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

/** Loads the sample and opens the report view with every file hashed. */
async function sampleReport(page) {
  await page.click('#sample-button');
  assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
  await page.goto(page.url().split('#')[0] + '#/report');
  await page.waitForFunction(() => {
    const el = document.querySelector('#report-hashes');
    return el && el.dataset.total !== '0' && el.dataset.done === el.dataset.total;
  }, null, { timeout: 60_000 });
}

describe('the report', () => {
  test('the page exports the same bytes as the CLI, and they open offline', async () => {
    const { context, page, pageErrors } = await openApp(browser, server);
    const dir = join(temp.dir, 'page');
    mkdirSync(dir, { recursive: true });
    try {
      await sampleReport(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'report-page.png'), fullPage: true });
      const html = await download(page, '#export-html', dir);
      const json = await download(page, '#export-json', dir);
      assert.match(html, /ddb-lens-report-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.html$/);
      const csvButtons = await page.$$eval('[id^="export-csv-"]', (els) => els.map((e) => e.id));
      assert.ok(csvButtons.includes('export-csv-findings'), `CSV buttons: ${csvButtons}`);
      const csvFiles = [];
      for (const id of csvButtons) csvFiles.push(await download(page, `#${id}`, dir));
      assert.deepEqual(pageErrors, []);

      // The CLI over the same sample and default settings: byte-identical files.
      const cliDir = join(temp.dir, 'cli');
      mkdirSync(cliDir, { recursive: true });
      cli(['--sample', '--html', join(cliDir, 'r.html'), '--json', join(cliDir, 'r.json'), '--csv', join(cliDir, 'csv')]);
      assert.ok(readFileSync(json).equals(readFileSync(join(cliDir, 'r.json'))), 'JSON: page == CLI');
      assert.ok(readFileSync(html).equals(readFileSync(join(cliDir, 'r.html'))), 'HTML: page == CLI');
      const cliCsv = readdirSync(join(cliDir, 'csv')).sort();
      assert.equal(csvFiles.length, cliCsv.length);
      for (const name of cliCsv) {
        const mine = csvFiles.find((p) => p.endsWith(`-${name}`));
        assert.ok(mine, `the page offers ${name}`);
        assert.ok(readFileSync(mine).equals(readFileSync(join(cliDir, 'csv', name))), `${name}: page == CLI`);
      }
      const report = JSON.parse(readFileSync(json, 'utf8'));
      assert.equal(report.schema, 'ddb-lens-report/1');
      assert.ok(report.inputs.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)), 'every file hashed');

      // Opened from disk: it renders, sorts, and asks for nothing.
      const offline = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      try {
        const requests = [];
        offline.on('request', (r) => requests.push(r.url()));
        const view = await offline.newPage();
        const consoleMessages = [];
        view.on('console', (m) => consoleMessages.push(m.text()));
        await view.goto(pathToFileURL(html).href);
        await view.waitForSelector('h1');
        assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no request beyond the file');
        assert.deepEqual(consoleMessages.filter((t) => /Content Security Policy|Refused/.test(t)), []);
        await view.screenshot({ path: join(SCREENSHOTS, 'report-html.png'), fullPage: false });
        const pdf = join(temp.dir, 'report.pdf');
        await view.pdf({ path: pdf, format: 'A4', printBackground: true });
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(SCREENSHOTS, 'report-print')]);
        const printed = readdirSync(SCREENSHOTS).filter((n) => n.startsWith('report-print'));
        assert.ok(printed.length >= 1, 'the first printed page was rendered');
      } finally {
        await offline.close();
      }
    } finally {
      await context.close();
    }
  });

  test('a saved JSON report opens again in a fresh page', async () => {
    const dir = join(temp.dir, 'reopen');
    mkdirSync(dir, { recursive: true });
    const saved = join(dir, 'saved.json');
    writeFileSync(saved, cli(['--sample']));
    const expected = JSON.parse(readFileSync(saved, 'utf8'));
    const { context, page, pageErrors } = await openApp(browser, server);
    try {
      await page.goto(page.url().split('#')[0] + '#/report');
      await page.waitForSelector('#open-report', { state: 'attached' });
      await page.setInputFiles('#open-report', saved);
      await page.waitForSelector('#report-fingerprint');
      assert.equal(await page.textContent('#report-fingerprint'), expected.fingerprint_sha256);
      assert.match(await page.textContent('#report-origin'), /opened from saved\.json/);
      const rows = await page.$$eval('#manifest tbody tr', (trs) => trs.length);
      assert.ok(rows > 0 && rows <= 50, `the manifest lists files (${rows} shown)`);

      // Not a report: refused with the file named, nothing else changes.
      const bad = join(dir, 'not-a-report.json');
      writeFileSync(bad, '{"Records": []}');
      await page.setInputFiles('#open-report', bad);
      await page.waitForSelector('[role="alert"]');
      assert.match(await page.textContent('[role="alert"]'), /not-a-report\.json could not be opened/);
      assert.equal(await page.textContent('#report-fingerprint'), expected.fingerprint_sha256);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});

// ---- hostile strings -------------------------------------------------------------------------

const PAYLOADS = [
  '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  '"><script>window.__xss=(window.__xss||0)+1</script>',
  "javascript:window.__xss=(window.__xss||0)+1",
  '</style><svg onload="window.__xss=(window.__xss||0)+1">',
  '=HYPERLINK("http://x")',
];

/** A CloudTrail log and a describe-table output with a payload in every string field. */
function hostileFiles(dir) {
  const p = (i) => PAYLOADS[i % PAYLOADS.length];
  const events = PAYLOADS.map((_, i) => ({
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/${p(i)}`, accountId: '111122223333', userName: p(i + 1) },
    eventTime: `2026-03-02T10:0${i}:00Z`,
    eventSource: 'dynamodb.amazonaws.com',
    eventName: i % 2 ? 'DeleteTable' : 'UpdateContinuousBackups',
    awsRegion: 'eu-west-1',
    sourceIPAddress: p(i + 2),
    userAgent: p(i + 3),
    errorCode: i === 4 ? p(i) : undefined,
    errorMessage: p(i + 4),
    requestParameters: { tableName: `t${i}`, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false }, note: p(i) },
    eventID: `0c1a7f9e-1111-4c2d-9a11-00000000000${i}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  }));
  const log = join(dir, `${PAYLOADS[0].replace(/[\\/]/g, '_')}.json`);
  writeFileSync(log, JSON.stringify({ Records: events }));
  const table = join(dir, 'describe-table.json');
  writeFileSync(table, JSON.stringify({
    Table: {
      TableName: 'orders', TableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders', TableStatus: p(1),
      BillingModeSummary: { BillingMode: p(2) }, SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: p(3) },
      Tags: PAYLOADS.map((v, i) => ({ Key: i ? v : 'Environment', Value: p(i + 1) })),
    },
  }));
  return [log, table];
}

describe('hostile strings', () => {
  test('no payload runs in any view of the page or in the exported report', async () => {
    const dir = join(temp.dir, 'hostile');
    mkdirSync(dir, { recursive: true });
    const { context, page, pageErrors } = await openApp(browser, server);
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs += 1;
      await d.dismiss();
    });
    try {
      await page.setInputFiles('#file-input', hostileFiles(dir));
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      const routes = await page.$$eval('.site-nav a', (as) => as.map((a) => a.getAttribute('href')));
      for (const route of routes) {
        await page.goto(page.url().split('#')[0] + route);
        await page.waitForTimeout(300);
        assert.equal(await page.evaluate(() => window.__xss), undefined, `nothing ran on ${route}`);
        assert.equal(await page.$('img[src="x"], svg[onload]'), null, `no element made from a payload on ${route}`);
      }
      await page.goto(page.url().split('#')[0] + '#/report');
      await page.waitForSelector('#export-html');
      const html = await download(page, '#export-html', dir);
      const csv = await download(page, '#export-csv-inputs', dir);
      assert.doesNotMatch(readFileSync(csv, 'utf8'), /(^|,)"?=HYPERLINK/m, 'formula cells are neutralised');

      const view = await context.newPage();
      view.on('dialog', async (d) => {
        dialogs += 1;
        await d.dismiss();
      });
      await view.goto(pathToFileURL(html).href);
      await view.waitForSelector('h1');
      await view.waitForTimeout(300);
      assert.equal(await view.evaluate(() => window.__xss), undefined, 'nothing ran in the exported HTML');
      assert.equal(await view.$('img[src="x"], svg[onload]'), null);
      assert.equal(dialogs, 0);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
