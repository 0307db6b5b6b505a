// Ingest benchmark in headless Chromium: loads every file of a corpus folder through the page's
// file input, exactly as a user's folder upload, and reports the page's own load time, events/s,
// uncompressed MB/s and the peak memory of Chromium's processes.
//
//   node scripts/bench.mjs DIR [NATIVE_JSON]
//
// Needs dist/ (trunk build --release). Prints one JSON line. Then times the activity view on
// the loaded events: its first query, a filter to the busiest table, errors only, scrolling the
// list to its last row, and opening that event's JSON (activity_* fields: the page's wall time
// from the click to the answer shown, and the worker's own time for the query). For the two
// filters, *_shown_ms is what a user waits: from the input event to the answer painted, timed
// in the page; *_wall_ms adds the automation's own round trips.
//
// The analyses: the worker's time sorting the events for the activity view (inside the load
// time), its time building the report (after the load), and the wall time from the load's end
// to the report being in the page; then the time each report view takes to show, from the
// navigation click to its summary line painted (view_*_ms). Before loading, it waits for the
// worker and the page to warm their code up after the page opens (warm_up_*_ms), as a user
// picking files gives them time to.

import { readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launchBrowser, waitForState } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/bench.mjs DIR');
  process.exit(2);
}

function walk(d) {
  return readdirSync(d)
    .sort()
    .flatMap((name) => {
      const p = join(d, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
}

/** Resident memory of Chromium's renderer processes (the tab and its workers), in MiB. */
function chromiumRssMib() {
  try {
    const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss=,args='], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((line) => line.includes('--type=renderer'))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter(Boolean)
      .reduce((a, b) => a + b, 0) / 1024;
  } catch {
    return 0;
  }
}

/** Milliseconds from `action` until #activity-count shows a count `done` accepts: ['=', n] or
 * ['<', n] (no eval: the page's CSP forbids it). */
async function timed(page, action, done) {
  // In the page: from the input event's own time stamp (the click as the user made it) to the
  // second animation frame after #activity-count shows the answer (it is on screen by then).
  // The wall time below adds the automation's round trips (Playwright's click waits for the
  // element to be stable and reports back), which a user does not wait for.
  await page.evaluate(([op, value]) => {
    window.__benchInput = null;
    window.__benchShown = null;
    const input = (e) => { if (window.__benchInput === null) window.__benchInput = e.timeStamp; };
    document.addEventListener('click', input, { capture: true, once: true });
    document.addEventListener('change', input, { capture: true, once: true });
    const target = document.querySelector('#activity-count') ?? document.body;
    const observer = new MutationObserver(() => {
      const count = document.querySelector('#activity-count')?.dataset.count;
      if (count === undefined) return;
      const ok = op === '=' ? Number(count) === value : Number(count) < value;
      if (!ok) return;
      observer.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchShown = performance.now(); }));
    });
    observer.observe(target === document.body ? document.body : target, { attributes: true, subtree: true, childList: true });
  }, done);
  const t0 = Date.now();
  await action();
  await page.waitForFunction(
    ([op, value]) => {
      const count = document.querySelector('#activity-count')?.dataset.count;
      if (count === undefined) return false;
      return op === '=' ? Number(count) === value : Number(count) < value;
    },
    done,
    { timeout: 120_000, polling: 5 },
  );
  const wall = Date.now() - t0;
  await page.waitForFunction(() => window.__benchShown !== null, null, { timeout: 10_000, polling: 5 });
  const shown = await page.evaluate(() => window.__benchShown - window.__benchInput);
  const worker = await page.$eval('#activity-count', (el) => Number(el.dataset.queryMs));
  const count = await page.$eval('#activity-count', (el) => Number(el.dataset.count));
  return { wall, shown: Math.round(shown), worker, count };
}

async function timeActivity(page, events) {
  if (!events) return {};
  const open = await timed(page, () => page.click('#nav-activity'), ['=', events]);
  const table = await timed(
    page,
    () => page.click('#facet-tables .suggestion'),
    ['<', events],
  );
  const errors = await timed(page, () => page.check('#errors-only'), ['<', table.count]);
  await page.check('#errors-all');
  await page.click('#filters-clear');
  await page.waitForFunction((n) => document.querySelector('#activity-count')?.dataset.count === String(n), events);
  await page.waitForSelector('#event-list .event-row[data-position="0"]:not(.pending)');
  let t0 = Date.now();
  await page.$eval('#event-list .event-list-body', (body) => { body.scrollTop = body.scrollHeight; });
  const lastRow = `#event-list .event-row[data-position="${events - 1}"]:not(.pending)`;
  await page.waitForSelector(lastRow, { timeout: 60_000 });
  const scrollMs = Date.now() - t0;
  t0 = Date.now();
  await page.click(`${lastRow} .row-open`);
  await page.waitForSelector('#event-json', { timeout: 60_000 });
  const jsonMs = Date.now() - t0;
  return {
    activity_first_query_wall_ms: open.wall,
    activity_first_query_worker_ms: open.worker,
    activity_table_filter_shown_ms: table.shown,
    activity_table_filter_wall_ms: table.wall,
    activity_table_filter_worker_ms: table.worker,
    activity_table_events: table.count,
    activity_errors_filter_shown_ms: errors.shown,
    activity_errors_filter_wall_ms: errors.wall,
    activity_errors_filter_worker_ms: errors.worker,
    activity_scroll_to_last_row_ms: scrollMs,
    activity_open_last_event_json_ms: jsonMs,
  };
}

const VIEWS = [
  ['findings', '#findings-summary'],
  ['kms', '#kms-summary'],
  ['streams', '#streams-summary'],
  ['config', '#config-summary'],
  ['compliance', '#compliance-summary'],
  ['tables', '#tables-summary'],
  ['tags', '#tag-summary'],
];

/** Milliseconds from each navigation click to the view's summary painted (two frames later). */
async function timeViews(page) {
  const out = {};
  for (const [route, selector] of VIEWS) {
    await page.click('#nav-overview');
    await page.waitForSelector('#overview, #load-status');
    const t0 = Date.now();
    await page.click(`#nav-${route}`);
    await page.waitForSelector(selector, { timeout: 120_000 });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    out[`view_${route}_ms`] = Date.now() - t0;
  }
  return out;
}

const files = walk(dir);
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  await page.waitForSelector('#load-status');
  // As a user takes a moment to pick files: the worker and the page warm their code up first.
  await page.waitForSelector('#load-status[data-page-warm-up-ms]', { timeout: 60_000 });
  const warm = await page.$eval('#load-status', (el) => ({ ...el.dataset }));
  let peak = chromiumRssMib();
  const idle = peak;
  const poll = setInterval(() => { peak = Math.max(peak, chromiumRssMib()); }, 100);
  const t0 = Date.now();
  await page.setInputFiles('#file-input', files);
  const state = await waitForState(page, ['done', 'cancelled'], 600_000);
  const wallMs = Date.now() - t0;
  clearInterval(poll);
  peak = Math.max(peak, chromiumRssMib());
  const loadedAt = Date.now();
  await page.waitForSelector('#load-status[data-report-build-ms]', { timeout: 600_000 });
  const reportWallMs = Date.now() - loadedAt;
  const status = await page.$eval('#load-status', (el) => ({ ...el.dataset }));
  const totals = await page.$eval('#totals', (el) => ({ ...el.dataset }));
  const views = await timeViews(page);
  const activity = await timeActivity(page, Number(totals.events));
  const elapsedMs = Number(status.elapsedMs);
  const uncompressed = Number(totals.uncompressedBytes ?? 0);
  const events = Number(totals.events);
  console.log(JSON.stringify({
    state,
    files: files.length,
    events,
    page_load_secs: elapsedMs / 1000,
    wall_secs_including_file_handover: wallMs / 1000,
    events_per_sec: events / (elapsedMs / 1000),
    uncompressed_mb_per_sec: uncompressed ? uncompressed / 1e6 / (elapsedMs / 1000) : null,
    renderer_rss_idle_mib: Math.round(idle),
    renderer_rss_peak_mib: Math.round(peak),
    warm_up_worker_ms: Number(warm.warmUpMs),
    warm_up_page_ms: Number(warm.pageWarmUpMs),
    activity_index_ms: Number(status.indexMs),
    report_build_ms: Number(status.reportBuildMs),
    report_in_page_after_load_ms: reportWallMs,
    analyses_share_of_load: (Number(status.indexMs) + reportWallMs) / elapsedMs,
    ...views,
    ...activity,
  }));
} finally {
  await browser.close();
  await server.close();
}
