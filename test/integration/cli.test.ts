/**
 * The `opentrail` command: --version, --help everywhere, config errors, and the first-start
 * bootstrap of the root key pair (0600 file, reused on restart, overridable by environment).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startChildServer, waitExit } from '../helpers/child.js';
import { tempDir } from '../helpers/server.js';
import { ENV_NAMES } from '../../src/config.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...process.env, ...env } });

test('--version and --help', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal((await cli(['--version'])).stdout.trim(), pkg.version);
  const help = (await cli(['--help'])).stdout;
  assert.match(help, /serve/);
  const serveHelp = (await cli(['serve', '--help'])).stdout;
  for (const env of Object.values(ENV_NAMES).filter((e) => !e.includes('ROOT'))) assert.ok(serveHelp.includes(env), `serve --help documents ${env}`);
});

test('a bad option stops start-up with exit code 2 and names the variable', async () => {
  const err = await cli(['serve', '--port', 'abc']).catch((e: { code: number; stderr: string }) => e);
  assert.ok('code' in err);
  assert.equal(err.code, 2);
  assert.match(err.stderr, /port \(OPENTRAIL_PORT\)/);
  const envErr = await cli(['serve'], { OPENTRAIL_ACCOUNT_ID: 'nope' }).catch((e: { code: number; stderr: string }) => e);
  assert.match((envErr as { stderr: string }).stderr, /OPENTRAIL_ACCOUNT_ID/);
});

test('first start creates a 0600 root key pair that works and survives restarts', async () => {
  const dir = tempDir();
  const env = { OPENTRAIL_ROOT_ACCESS_KEY_ID: '', OPENTRAIL_ROOT_SECRET_ACCESS_KEY: '' };
  const first = await startChildServer(dir, [], env);
  const file = join(dir, 'root-credentials.json');
  assert.ok(existsSync(file));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const creds = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId: string; secretAccessKey: string; accountId: string };
  assert.match(creds.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(creds.secretAccessKey.length, 40);
  assert.ok(!first.output().includes(creds.secretAccessKey), 'secret not printed when stdout is not a terminal');
  const call = async (endpoint: string) => {
    const c = new CloudTrailClient({ endpoint, region: 'us-east-1', credentials: { ...creds }, maxAttempts: 1 });
    try {
      return await c.send(new LookupEventsCommand({ MaxResults: 1 }));
    } finally {
      c.destroy();
    }
  };
  await call(first.endpoint);
  first.proc.kill('SIGTERM');
  await waitExit(first.proc);
  const second = await startChildServer(dir, [], env);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), creds, 'same pair after restart');
  await call(second.endpoint);
  second.proc.kill('SIGTERM');
  await waitExit(second.proc);
});
