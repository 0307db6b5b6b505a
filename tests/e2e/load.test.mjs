// Journeys that load files: good and bad files together, a folder, a drop, and a cancelled load.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import {
  cloudTrailEvent,
  cloudTrailLog,
  fileRows,
  launchBrowser,
  openApp,
  startServer,
  tempDir,
  totals,
  waitForState,
  writeManyLogs,
  writeMixedFixtures,
} from './harness.mjs';

let server;
let browser;
const temps = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  for (const temp of temps) temp.remove();
});

function fixtureDir() {
  const temp = tempDir();
  temps.push(temp);
  return temp.dir;
}

describe('loading files', () => {
  test('good and bad files together: one row each, duplicates counted once', async () => {
    const { context, page, consoleMessages, pageErrors } = await openApp(browser, server);
    try {
      assert.equal(await waitForState(page, 'idle'), 'idle');
      const paths = writeMixedFixtures(fixtureDir());
      await page.setInputFiles('#file-input', paths);
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');

      const rows = await fileRows(page);
      const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
      assert.deepEqual(
        rows.map((row) => row.name),
        [...rows.map((row) => row.name)].sort(),
        'rows are sorted by name',
      );
      assert.equal(rows.length, 8);

      assert.equal(byName['trail.json'].status, 'ok');
      assert.equal(byName['trail.json'].kind, 'CloudTrail log: 5 events');
      assert.equal(byName['trail.json'].records, '5');
      assert.equal(byName['trail.json'].statusText, 'ok');
      assert.match(byName['trail.json'].time, /^2026-03-02 10:00–10:04 UTC$/);

      // The same events again, gzipped: loaded after trail.json (sorted by name), all duplicates.
      assert.equal(byName['trail.json.gz'].status, 'ok');
      assert.match(byName['trail.json.gz'].kind, /^CloudTrail log: 5 events \(5 duplicates dropped\)$/);
      assert.match(byName['trail.json.gz'].size, / gz$/);
      // The row describes the file: its time range shows though every event was a duplicate.
      assert.equal(byName['trail.json.gz'].time, byName['trail.json'].time);

      assert.equal(byName['warn.json'].status, 'warning');
      assert.match(byName['warn.json'].statusText, /^1 record skipped: record 2: /);
      assert.match(byName['warn.json'].kind, /^CloudTrail log: 3 events/);

      assert.equal(byName['config-snapshot.json'].status, 'ok');
      assert.match(byName['config-snapshot.json'].kind, /^AWS Config snapshot: 2 configuration items/);

      for (const name of ['truncated.json.gz', 'image.png', 'broken.json', 'empty.json']) {
        assert.equal(byName[name].status, 'error', name);
        assert.equal(byName[name].records, '—', name);
        assert.ok(byName[name].statusText.length > 0, `${name} says why`);
      }
      assert.match(byName['truncated.json.gz'].statusText, /gzip/i);
      assert.match(byName['image.png'].statusText, /PNG/);
      assert.match(byName['empty.json'].statusText, /empty/i);

      const t = await totals(page);
      assert.deepEqual(
        { files: t.files, events: t.events, duplicates: t.duplicates, errors: t.errors },
        { files: 8, events: 7, duplicates: 5, errors: 4 },
      );
      assert.equal(t.text, '8 files · 7 events · 5 duplicates dropped · 4 files with errors');

      const elapsed = await page.$eval('#load-status', (el) => el.dataset.elapsedMs);
      assert.match(elapsed, /^\d+$/);
      assert.ok(await page.isVisible('#overview #timeline'), 'overview with a timeline after loading');

      assert.deepEqual(pageErrors, []);
      assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
    } finally {
      await context.close();
    }
  });

  test('a folder from the folder picker: names are paths inside it', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      const root = join(fixtureDir(), 'exports');
      writeManyLogs(root, 12, 10);
      await page.setInputFiles('#folder-input', root);
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');

      const rows = await fileRows(page);
      assert.equal(rows.length, 12);
      for (const row of rows) {
        assert.match(row.name, /^exports\/AWSLogs\/111122223333\/CloudTrail\/eu-west-1\/day-\d\/log-\d{4}\.json$/);
        assert.equal(row.status, 'ok');
        assert.equal(row.kind, 'CloudTrail log: 10 events');
      }
      const t = await totals(page);
      assert.equal(t.files, 12);
      assert.equal(t.events, 120);
      assert.match(await page.textContent('#progress-text'), /^12 of 12 files · ([\d.]+) of \1 kB$/);
    } finally {
      await context.close();
    }
  });

  test('files dropped on the drop zone are loaded', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      const log = cloudTrailLog([cloudTrailEvent(1), cloudTrailEvent(2)]).toString('utf8');
      await page.evaluate((text) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
        data.items.add(new File(['{"not": "an export"}'], 'other.json', { type: 'application/json' }));
        const zone = document.querySelector('#drop-zone');
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
        }
      }, log);
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      const rows = await fileRows(page);
      assert.deepEqual(
        rows.map((row) => [row.name, row.status]),
        [
          ['dropped.json', 'ok'],
          ['other.json', 'error'],
        ],
      );
      assert.equal((await totals(page)).events, 2);
      assert.equal(await page.$eval('#drop-zone', (el) => el.classList.contains('dragging')), false);
    } finally {
      await context.close();
    }
  });

  test('cancel stops a long load; what was loaded stays, and the page stays usable', async () => {
    const { context, page } = await openApp(browser, server);
    try {
      const paths = writeManyLogs(fixtureDir(), 600, 400);
      await page.setInputFiles('#file-input', paths);
      // Cancel once some files are in, so the load is surely under way.
      await page.waitForFunction(() => {
        const text = document.querySelector('#progress-text')?.textContent ?? '';
        const done = Number(text.split(' of ')[0].replace(/,/g, ''));
        return done >= 5;
      });
      const clickedAt = Date.now();
      // The page answers while the worker loads: the click lands at once.
      await page.click('#cancel-button', { timeout: 2_000 });
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'cancelled');
      assert.ok(Date.now() - clickedAt < 5_000, 'the load stopped soon after cancel');

      const rows = await fileRows(page);
      const t = await totals(page);
      assert.ok(rows.length >= 5 && rows.length < 600, `${rows.length} rows`);
      assert.equal(t.files, rows.length, 'every file loaded has a row, and only those');
      assert.equal(t.events, rows.length * 400);
      const message = await page.textContent('#load-status .status-message');
      assert.match(message, new RegExp(`Cancelled: ${600 - rows.length} files not loaded`));
      assert.equal(await page.$('#cancel-button'), null);

      // Clear, then load again: the worker took the cancel and is ready for more.
      await page.click('#clear-button');
      assert.equal(await waitForState(page, 'idle'), 'idle');
      assert.equal((await fileRows(page)).length, 0);
      await page.setInputFiles('#file-input', paths.slice(0, 3));
      assert.equal(await waitForState(page, ['done', 'cancelled', 'error']), 'done');
      assert.equal((await totals(page)).files, 3);
    } finally {
      await context.close();
    }
  });
});
