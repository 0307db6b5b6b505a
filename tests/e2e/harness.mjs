// Shared pieces of the end-to-end tests: a static server for dist/, headless Chromium through
// playwright-core, the page's DOM contract, and fixtures written at test time.
//
// Run after `trunk build --release`:  node --test tests/e2e/
// Environment: DDB_LENS_DIST (default dist/), CHROMIUM (default /usr/bin/chromium).

import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = resolve(process.env.DDB_LENS_DIST ?? join(ROOT, 'dist'));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Serves DIST on 127.0.0.1 at a free port. `served` lists every path asked for. */
export async function startServer(root = DIST) {
  const served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    served.push({ path, method: req.method });
    const file = resolve(root, '.' + (path.endsWith('/') ? path + 'index.html' : path));
    let body;
    try {
      if (!(file === root || file.startsWith(root + sep)) || !statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // For experiments only, e.g. DDB_LENS_CHROMIUM_ARGS=--js-flags=--no-liftoff
      ...(process.env.DDB_LENS_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean),
    ],
  });
}

/**
 * Opens the app in a fresh context. Collects console messages and page errors; `bypassCSP` only
 * for tests that must inject a script (axe).
 */
export async function openApp(browser, server, { query = '', bypassCSP = false } = {}) {
  const context = await browser.newContext({ bypassCSP, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (msg) => consoleMessages.push({ type: msg.type(), text: msg.text() }));
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(server.url + query);
  await page.waitForSelector('#load-status');
  return { context, page, consoleMessages, pageErrors };
}

/** Waits for #load-status[data-state] to be one of `states`. */
export async function waitForState(page, states, timeout = 60_000) {
  const list = Array.isArray(states) ? states : [states];
  await page.waitForFunction(
    (wanted) => wanted.includes(document.querySelector('#load-status')?.dataset.state),
    list,
    { timeout },
  );
  return page.$eval('#load-status', (el) => el.dataset.state);
}

/** The file table's rows as plain objects. */
export async function fileRows(page) {
  return page.$$eval('#file-table tr.file-row', (rows) =>
    rows.map((tr) => {
      const cell = (name) => tr.querySelector(`td.${name}`)?.textContent.trim() ?? null;
      return {
        status: tr.dataset.status,
        name: cell('name'),
        size: cell('size'),
        kind: cell('kind'),
        records: cell('records'),
        time: cell('time'),
        statusText: cell('status'),
      };
    }),
  );
}

/** #totals' data attributes as numbers. */
export async function totals(page) {
  return page.$eval('#totals', (el) => ({
    files: Number(el.dataset.files),
    events: Number(el.dataset.events),
    duplicates: Number(el.dataset.duplicates),
    errors: Number(el.dataset.errors),
    text: el.textContent.trim(),
  }));
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'ddb-lens-e2e-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- fixtures --------------------------------------------------------------------------------

/** A realistic DynamoDB CloudTrail event. */
export function cloudTrailEvent(i, { time, account = '111122223333', region = 'eu-west-1' } = {}) {
  const names = ['DescribeTable', 'UpdateTable', 'DeleteTable', 'CreateBackup', 'UpdateContinuousBackups'];
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID:alice',
      arn: `arn:aws:sts::${account}:assumed-role/DataAdmin/alice`,
      accountId: account,
      accessKeyId: 'ASIAEXAMPLEKEY',
    },
    eventTime: time ?? `2026-03-02T10:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: 'dynamodb.amazonaws.com',
    eventName: names[i % names.length],
    awsRegion: region,
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    requestParameters: { tableName: 'orders' },
    responseElements: null,
    requestID: `R${i}`,
    eventID: `0b1a7f9e-1111-4c2d-9a11-${String(i).padStart(12, '0')}`,
    readOnly: i % 5 === 0,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

export function cloudTrailLog(events) {
  return Buffer.from(JSON.stringify({ Records: events }));
}

export function configSnapshot() {
  const item = (table) => ({
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: '2026-03-01T00:00:00.000Z',
    configurationStateId: 1772323200000,
    awsAccountId: '111122223333',
    configurationItemStatus: 'OK',
    resourceType: 'AWS::DynamoDB::Table',
    resourceId: table,
    resourceName: table,
    ARN: `arn:aws:dynamodb:eu-west-1:111122223333:table/${table}`,
    awsRegion: 'eu-west-1',
    availabilityZone: 'Not Applicable',
    tags: { Environment: 'prod' },
    relatedEvents: [],
    relationships: [],
    configuration: { tableName: table, tableStatus: 'ACTIVE' },
    supplementaryConfiguration: {},
  });
  return Buffer.from(
    JSON.stringify({
      fileVersion: '1.0',
      configSnapshotId: '6f1c3a5e-0000-4000-8000-000000000001',
      configurationItems: [item('orders'), item('customers')],
    }),
  );
}

// The smallest valid PNG: a 1x1 transparent pixel.
export const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * Writes the mixed good-and-bad set into `dir` and returns { files, expect }:
 * trail.json (5 events), trail.json.gz (the same 5 again: all duplicates), warn.json (2 events
 * and 1 record that is not an event), truncated.json.gz, image.png, broken.json, empty.json,
 * config-snapshot.json (2 items).
 */
export function writeMixedFixtures(dir) {
  const trail = cloudTrailLog([0, 1, 2, 3, 4].map((i) => cloudTrailEvent(i)));
  const warn = Buffer.from(
    JSON.stringify({ Records: [cloudTrailEvent(100), 'not an event', cloudTrailEvent(101)] }),
  );
  const bigger = cloudTrailLog(Array.from({ length: 200 }, (_, i) => cloudTrailEvent(1000 + i)));
  const gz = gzipSync(bigger);
  const files = {
    'trail.json': trail,
    'trail.json.gz': gzipSync(trail),
    'warn.json': warn,
    'truncated.json.gz': gz.subarray(0, Math.floor(gz.length / 2)),
    'image.png': PNG_BYTES,
    'broken.json': Buffer.from('{"Records": [{"eventVersion": "1.08", "eventTime": '),
    'empty.json': Buffer.alloc(0),
    'config-snapshot.json': configSnapshot(),
  };
  const paths = [];
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    paths.push(path);
  }
  return paths;
}

/** Writes `count` small CloudTrail logs into nested folders below `dir`; returns their paths. */
export function writeManyLogs(dir, count, eventsPerFile = 20) {
  const paths = [];
  for (let f = 0; f < count; f++) {
    const sub = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', `day-${f % 3}`);
    mkdirSync(sub, { recursive: true });
    const events = Array.from({ length: eventsPerFile }, (_, i) => cloudTrailEvent(f * eventsPerFile + i));
    const path = join(sub, `log-${String(f).padStart(4, '0')}.json`);
    writeFileSync(path, cloudTrailLog(events));
    paths.push(path);
  }
  return paths;
}
