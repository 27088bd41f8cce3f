/**
 * `npm run bench -- console`: how long the web console's event history takes to show its first
 * page with 1,000,000 events in the store (issue 8 target: first render ≤ 1 s). Seeds the events
 * into a fresh data dir, starts a real OpenTrail process on it, signs headless Chromium in, then
 * times, over several runs each:
 * - a cold load of `#/events` (new page: HTML, the bundle, the session check, LookupEvents with
 *   MaxResults 50, the table drawn) until the first row is visible;
 * - the same filtered by a user name (an indexed lookup attribute);
 * - the dashboard until its chart is drawn (24 hours of statistics from the store);
 * beside the floor of this machine in the same run: a static page with a 50-row table served by
 * a bare node:http server, loaded and drawn by the same browser.
 */
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../src/store/sqlite/database.js';
import { SqliteEventLog } from '../src/store/sqlite/event-log.js';
import { startChildServer, waitExit, ROOT_KEYS } from '../test/helpers/child.js';
import { tempDir } from '../test/helpers/server.js';
import { startBrowser } from '../test/helpers/browser.js';
import { signInWithKeys } from '../test/helpers/console.js';
import { SEED_CATALOG, seedEvents } from './seed-events.js';
import { percentile } from './load.js';
import { machineFacts } from './machine.js';
import type { BenchOptions } from './run.js';
import type { BrowserContext } from 'playwright-core';

const RUNS = Number(process.env.RUNS ?? 15);
const ACCOUNT = '123456789012';
const FIRST_ROW = 'table.grid tbody tr';

/** A page a browser can hardly draw faster: 50 rows of 9 cells, inline, from a bare server. */
async function staticFloor(): Promise<{ url: string; close(): void }> {
  const rows = Array.from({ length: 50 }, (_, i) => `<tr>${'<td>cell</td>'.repeat(8)}<td>${i}</td></tr>`).join('');
  const html = `<!doctype html><html><body><table class="grid"><thead><tr>${'<th>h</th>'.repeat(9)}</tr></thead><tbody>${rows}</tbody></table></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

/** Milliseconds from opening `url` in a new tab of `context` until `selector` is visible. */
async function timeLoads(context: BrowserContext, url: string, selector: string): Promise<{ p50: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url);
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
    const ms = performance.now() - t0;
    await page.close();
    if (i > 0) times.push(ms); // the first load warms the server's bundle and caches
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), max: times[times.length - 1]! };
}

export async function consoleBench(opts: BenchOptions): Promise<void> {
  const count = opts.events ?? 1_000_000;
  console.log(`machine: ${machineFacts()}`);
  const dir = tempDir('opentrail-bench-');
  const db = openDatabase(join(dir, 'opentrail.db'));
  const log = new SqliteEventLog(db);
  // Newest events at "now", so the dashboard's last 24 hours hold a realistic share of them.
  const { seconds } = await seedEvents(log, count, { accountId: ACCOUNT, region: 'us-east-1', nowMs: Date.now() });
  await log.close();
  db.close();
  console.log(`seeded ${count} events in ${seconds.toFixed(1)} s`);
  const server = await startChildServer(dir, ['--log-level', 'error', '--regions', 'us-east-1']);
  const floor = await staticFloor();
  const browser = await startBrowser();
  try {
    const { context, page } = await browser.newPage();
    await signInWithKeys(page, server.endpoint, ROOT_KEYS);
    const user = SEED_CATALOG.users[0]!;
    const rows: [string, string, string][] = [
      ['static 50-row table (floor)', floor.url, FIRST_ROW],
      ['event history, first page', `${server.endpoint}/console/#/events`, FIRST_ROW],
      [`event history, Username=${user}`, `${server.endpoint}/console/#/events?attr=Username&value=${user}`, FIRST_ROW],
      ['dashboard, chart drawn', `${server.endpoint}/console/#/dashboard`, '.uplot canvas'],
    ];
    console.log(`cold page loads in headless Chromium, ${RUNS} runs each after one warm-up (ms):`);
    console.log('page                                   p50      max');
    for (const [name, url, selector] of rows) {
      const t = await timeLoads(context, url, selector);
      console.log(`${name.padEnd(36)} ${t.p50.toFixed(0).padStart(6)} ${t.max.toFixed(0).padStart(8)}`);
    }
  } finally {
    await browser.close();
    floor.close();
    server.proc.kill('SIGTERM');
    await waitExit(server.proc);
  }
}
