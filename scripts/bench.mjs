// Ingest benchmark in headless Chromium: loads every file of a corpus folder through the page's
// file input, exactly as a user's folder upload, and reports the page's own load time, events/s,
// uncompressed MB/s and the peak memory of Chromium's processes.
//
//   node scripts/bench.mjs DIR [NATIVE_JSON]
//
// Needs dist/ (trunk build --release). Prints one JSON line.

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

const files = walk(dir);
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  await page.waitForSelector('#load-status');
  let peak = chromiumRssMib();
  const idle = peak;
  const poll = setInterval(() => { peak = Math.max(peak, chromiumRssMib()); }, 100);
  const t0 = Date.now();
  await page.setInputFiles('#file-input', files);
  const state = await waitForState(page, ['done', 'cancelled'], 600_000);
  const wallMs = Date.now() - t0;
  clearInterval(poll);
  peak = Math.max(peak, chromiumRssMib());
  const status = await page.$eval('#load-status', (el) => ({ ...el.dataset }));
  const totals = await page.$eval('#totals', (el) => ({ ...el.dataset }));
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
  }));
} finally {
  await browser.close();
  await server.close();
}
