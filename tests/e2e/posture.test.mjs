// The posture views (KMS, Streams, Config history, Compliance) over the sample, checked against
// the CLI's report of the same sample (so the figures are not the page agreeing with itself).
// Saves target/screenshots/{kms,streams,config,compliance}.png.

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

const count = (n) => n.toLocaleString('en-US');

describe('posture views', () => {
  test('the four views show the CLI report figures', async () => {
    const { context, page, pageErrors } = await openApp(browser, server);
    try {
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.click('#sample-button');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');

      // KMS: the figures, the Decrypt-cache note, a lifecycle event's evidence read again.
      const { usage, visibility } = expected.kms;
      assert.ok(usage.tables.length > 0, 'the sample has KMS use');
      await go(page, '#/kms');
      await page.waitForSelector('#kms-summary');
      assert.equal(
        await page.textContent('#kms-summary'),
        `${count(usage.events)} KMS events name a table; ${usage.tables.length} tables; ` +
          `${usage.keys.length} protecting keys; ${usage.lifecycle.length} lifecycle events.`,
      );
      assert.ok((await page.textContent('#kms-note')).includes(usage.note));
      assert.ok((await page.textContent('#visibility-summary')).startsWith(
        `${visibility.tables_flagged} of ${visibility.tables.length} tables`,
      ));
      assert.equal(await page.$$eval('#trail-changes tbody tr', (t) => t.length), visibility.trail_changes.length);
      if (usage.lifecycle.length > 0) {
        assert.equal(await page.$$eval('#kms-lifecycle tbody tr', (t) => t.length), usage.lifecycle.length);
        await page.click('#kms-lifecycle .evidence-link >> nth=0');
        await page.waitForSelector('#evidence-json');
        const json = JSON.parse(await page.textContent('#evidence-json'));
        assert.equal(json.eventName, usage.lifecycle[0].event_name);
        await page.click('#evidence-panel button');
      }
      await page.click('details.kms-table >> nth=0 >> summary');
      await page.screenshot({ path: join(SCREENSHOTS, 'kms.png'), fullPage: true });

      // Streams.
      const t = expected.streams.totals;
      await go(page, '#/streams');
      await page.waitForSelector('#streams-summary');
      assert.ok(
        (await page.textContent('#streams-summary')).startsWith(
          `${t.tables} tables: stream on ${t.stream_on}, off ${t.stream_off}, unknown ${t.stream_unknown}.`,
        ),
      );
      assert.equal(await page.$$eval('#without-stream li', (l) => l.length), expected.streams.without_stream.length);
      assert.equal(await page.$$eval('#without-consumer li', (l) => l.length), expected.streams.without_consumer.length);
      await page.screenshot({ path: join(SCREENSHOTS, 'streams.png'), fullPage: true });

      // Config history.
      const config = expected.config;
      await go(page, '#/config');
      await page.waitForSelector('#config-summary');
      assert.ok(
        (await page.textContent('#config-summary')).startsWith(
          `${config.tables.length} tables, ${count(config.item_count)} configuration items, ${count(config.change_count)} changes`,
        ),
      );
      assert.ok(await page.$('#config-chart svg'), 'config changes chart drawn');
      await page.click('details.config-table >> nth=0 >> summary');
      await page.screenshot({ path: join(SCREENSHOTS, 'config.png'), fullPage: true });

      // Compliance: per-check rates as the CLI computed them.
      const c = expected.compliance;
      await go(page, '#/compliance');
      await page.waitForSelector('#compliance-summary');
      assert.ok((await page.textContent('#compliance-summary')).startsWith(
        `${c.rows.length} tables against ${c.checks.length} checks; ${c.imported_rules.length} AWS Config rules loaded; ` +
          `${c.disagreements.length} disagreements`,
      ));
      assert.ok(await page.$('#compliance-chart svg'), 'compliance chart drawn');
      const rates = await page.$$eval('#compliance-checks tbody tr', (trs) =>
        Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, tr.cells[7].textContent])),
      );
      for (const s of c.summaries) {
        const want = s.pass_percent == null ? 'none decided' : `${s.pass} of ${s.evaluated} (${Math.round(s.pass_percent)}%)`;
        assert.equal(rates[s.check_id], want, s.check_id);
      }
      assert.equal(await page.$$eval('#compliance-matrix tbody tr', (t) => t.length), Math.min(50, c.rows.length));
      await page.screenshot({ path: join(SCREENSHOTS, 'compliance.png'), fullPage: true });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
