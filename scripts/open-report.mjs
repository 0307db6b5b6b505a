// How an exported HTML report opens: its size, and the time headless Chromium takes to open it
// from file:// (navigation to the load event, and to the first paint), with every request the
// page tried to make counted (a self-contained report makes none beyond its own file).
//
//   node scripts/open-report.mjs REPORT.html [SCREENSHOT.png]
//
// Prints one JSON line. Opens it three times in fresh contexts and reports each time and the
// median, since the first open also warms Chromium's caches for fonts.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from '../tests/e2e/harness.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/open-report.mjs REPORT.html [SCREENSHOT.png]');
  process.exit(2);
}
const url = pathToFileURL(resolve(file)).href;
const browser = await launchBrowser();
const opens = [];
let requests = [];
let scriptErrors = [];
try {
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    requests = [];
    scriptErrors = [];
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    page.on('pageerror', (e) => scriptErrors.push(String(e)));
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: 300_000 });
    const loadMs = Date.now() - t0;
    const paint = await page.evaluate(() =>
      performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime ?? null,
    );
    opens.push({ load_ms: loadMs, first_contentful_paint_ms: paint && Math.round(paint) });
    if (i === 2 && process.argv[3]) await page.screenshot({ path: process.argv[3] });
    await context.close();
  }
} finally {
  await browser.close();
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  file,
  bytes: statSync(file).size,
  opens,
  median_load_ms: median(opens.map((o) => o.load_ms)),
  median_first_contentful_paint_ms: median(opens.map((o) => o.first_contentful_paint_ms ?? 0)),
  other_requests: requests,
  script_errors: scriptErrors,
}));
