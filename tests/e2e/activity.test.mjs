// The activity journey on the built-in sample: open #/activity, filter by a table and by
// errors, scroll the virtualised list to its end, open an event's JSON, zoom the timeline.
// Expected figures come from the core natively (tests/e2e/expected/activity-sample.json, written
// and checked by crates/core/tests/activity.rs), not from the page. Saves
// target/screenshots/activity.png.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, launchBrowser, openApp, startServer, waitForState } from './harness.mjs';

const EXPECTED = JSON.parse(
  readFileSync(join(ROOT, 'tests', 'e2e', 'expected', 'activity-sample.json'), 'utf8'),
);
const SCREENSHOTS = join(ROOT, 'target', 'screenshots');
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Waits until #activity-count says `count` events match. */
async function waitForCount(page, count) {
  await page.waitForFunction(
    (want) => document.querySelector('#activity-count')?.dataset.count === String(want),
    count,
    { timeout: 30_000 },
  );
}

/** The rendered list row at `position` once its data has arrived. */
async function loadedRow(page, position) {
  const selector = `#event-list .event-row[data-position="${position}"]:not(.pending)`;
  await page.waitForSelector(selector, { timeout: 30_000 });
  return page.$eval(selector, (row) => ({
    time: row.querySelector('.c-time .row-open')?.firstChild?.textContent.trim(),
    name: row.querySelector('.c-name')?.textContent.trim(),
    tables: row.querySelector('.c-tables')?.textContent.trim(),
    error: row.querySelector('.c-error')?.textContent.trim(),
  }));
}

async function openActivity(page) {
  assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
  await page.click('#nav-activity');
  await page.waitForSelector('#activity');
  assert.equal(await page.getAttribute('#nav-activity', 'aria-current'), 'page');
  await waitForCount(page, EXPECTED.events);
}

describe('activity', () => {
  test('filter by table and errors, scroll, open an event, zoom', async () => {
    const { context, page, consoleMessages, pageErrors } = await openApp(browser, server, {
      query: '?sample',
    });
    try {
      await openActivity(page);
      assert.match(await page.textContent('#activity-count'), new RegExp(`All ${EXPECTED.events.toLocaleString('en-US')} events`));
      const svg = await page.$('#activity-timeline');
      assert.ok(svg, 'the stacked timeline is drawn');
      const box = await svg.boundingBox();
      assert.ok(box.width > 300 && box.height > 80, `timeline size ${box.width}x${box.height}`);

      // The list is virtualised: a few dozen rows in the DOM for thousands of events.
      assert.equal(await page.getAttribute('#event-count', 'data-count'), String(EXPECTED.events));
      assert.equal(await page.getAttribute('#event-list', 'aria-rowcount'), String(EXPECTED.events + 1));
      await loadedRow(page, 0);
      const rendered = await page.$$eval('#event-list .event-spacer .event-row', (rows) => rows.length);
      assert.ok(rendered > 10 && rendered < 80, `${rendered} rows in the DOM`);

      // Scroll to the end: the last event is the core's last, in time order.
      await page.$eval('#event-list .event-list-body', (body) => {
        body.scrollTop = body.scrollHeight;
      });
      const last = await loadedRow(page, EXPECTED.events - 1);
      assert.equal(last.name, EXPECTED.last.event_name);
      assert.equal(last.time, EXPECTED.last.time.replace('T', ' ').replace('Z', ''));

      // One table.
      await page.fill('#filter-tables', EXPECTED.table);
      await page.press('#filter-tables', 'Enter');
      await waitForCount(page, EXPECTED.table_events);
      assert.match(await page.textContent('#facet-tables .chips'), new RegExp(EXPECTED.table));
      assert.equal(await page.inputValue('#filter-tables'), '', 'the field empties once chosen');
      const first = await loadedRow(page, 0);
      assert.match(first.tables, new RegExp(EXPECTED.table));

      // And only failed calls.
      await page.check('#errors-only');
      await waitForCount(page, EXPECTED.table_error_events);
      assert.equal(
        await page.getAttribute('#event-count', 'data-count'),
        String(EXPECTED.table_error_events),
      );
      const failed = await loadedRow(page, 0);
      assert.equal(failed.name, EXPECTED.first_error.event_name);
      assert.equal(failed.error, EXPECTED.first_error.error_code);

      // Its JSON, read again from its file by the worker, shown as text.
      await page.click('#event-list .event-row[data-position="0"] .row-open');
      await page.waitForSelector('#event-json');
      const json = await page.textContent('#event-json');
      assert.match(json, new RegExp(`"eventID": "${EXPECTED.first_error.event_id}"`));
      assert.match(json, new RegExp(`"errorCode": "${EXPECTED.first_error.error_code}"`));
      assert.equal(
        await page.$eval('#event-json', (el) => el.children.length),
        0,
        'the JSON is text, not markup',
      );

      // The per-table summary agrees with the filter's count.
      await page.waitForSelector('#table-summaries');
      await page.fill('#table-summaries-filter', EXPECTED.table);
      const summaryRow = await page.$$eval('#table-summaries tbody tr', (rows) =>
        rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
      );
      const row = summaryRow.find((cells) => cells[0] === EXPECTED.table);
      assert.ok(row, `${EXPECTED.table} in the table summary`);
      assert.equal(row[1], EXPECTED.table_events.toLocaleString('en-US'));
      assert.ok(await page.$('#principal-summaries tbody tr'), 'principals are summarised');

      // Clearing the error filter, then zooming by dragging across the middle of the chart.
      await page.check('#errors-all');
      await waitForCount(page, EXPECTED.table_events);
      await page.$eval('.chart-layer', (el) => el.scrollIntoView({ block: 'center' }));
      const chart = await (await page.$('.chart-layer')).boundingBox();
      const y = chart.y + chart.height / 2;
      await page.mouse.move(chart.x + chart.width * 0.35, y);
      await page.mouse.down();
      await page.mouse.move(chart.x + chart.width * 0.5, y, { steps: 5 });
      await page.mouse.move(chart.x + chart.width * 0.65, y, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction(
        (all) => {
          const n = Number(document.querySelector('#activity-count')?.dataset.count);
          return n > 0 && n < all;
        },
        EXPECTED.table_events,
        { timeout: 30_000 },
      );
      assert.notEqual(await page.inputValue('#activity-from'), '');
      assert.notEqual(await page.inputValue('#activity-to'), '');
      await page.click('#activity-reset');
      await waitForCount(page, EXPECTED.table_events);
      assert.equal(await page.inputValue('#activity-from'), '');

      // Back to the failed calls for the picture, with an event open.
      await page.check('#errors-only');
      await waitForCount(page, EXPECTED.table_error_events);
      await loadedRow(page, 0);
      await page.click('#event-list .event-row[data-position="0"] .row-open');
      await page.waitForSelector('#event-json');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'activity.png'), fullPage: true });

      assert.deepEqual(pageErrors, []);
      assert.deepEqual(
        consoleMessages.filter((m) => m.type === 'error' || /Content Security Policy|Refused to/i.test(m.text)),
        [],
      );
    } finally {
      await context.close();
    }
  });

  test('#/activity before anything is loaded points to the loader; the overview stays the default', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      assert.equal(await page.getAttribute('#nav-overview', 'aria-current'), 'page');
      await page.click('#nav-activity');
      await page.waitForSelector('#activity');
      assert.match(await page.textContent('#activity'), /No CloudTrail events loaded yet/);
      await page.click('#activity a[href="#/overview"]');
      await page.waitForSelector('#sample-button');
      await page.click('#sample-button');
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      await page.click('#nav-activity');
      await waitForCount(page, EXPECTED.events);
    } finally {
      await context.close();
    }
  });

  test('axe finds no serious or critical problem on the activity view', async () => {
    const { context, page } = await openApp(browser, server, { query: '?sample', bypassCSP: true });
    try {
      await openActivity(page);
      await loadedRow(page, 0);
      await page.waitForSelector('#table-summaries');
      await page.click('#event-list .event-row[data-position="0"] .row-open');
      await page.waitForSelector('#event-json');
      await page.addScriptTag({ path: AXE });
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ['violations'] }),
      );
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      assert.deepEqual(serious, []);
    } finally {
      await context.close();
    }
  });
});
