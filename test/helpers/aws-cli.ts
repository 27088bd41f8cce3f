/**
 * The unchanged AWS CLIs the tests drive: v1 (pyenv's `aws`, first on PATH) and v2 (Debian's
 * /usr/bin/aws). Both must be installed (.ci/run installs v2): a test that finds one missing
 * fails rather than skips. `cliEnv` isolates the CLI from the user's own config and credentials.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestServer } from './server.js';

const run = promisify(execFile);

export const AWS_CLIS = [
  { name: 'v1', bin: 'aws', version: /^aws-cli\/1\./ },
  { name: 'v2', bin: '/usr/bin/aws', version: /^aws-cli\/2\./ },
] as const;

export function cliEnv(server: TestServer, opts: { region?: string; configFile?: string } = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: server.dataDir,
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: opts.region ?? 'us-east-1',
    AWS_CONFIG_FILE: opts.configFile ?? '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

/**
 * The AWS CLI v1 against `server` as `keys`, one attempt (an upstream failure is seen once): the
 * parsed JSON output, or the CLI's stderr as the error. `--endpoint-url` as well as
 * AWS_ENDPOINT_URL: the CLI v1's SQS commands do not honour the variable.
 */
export function cliAs(server: TestServer, keys: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1') {
  const env = { ...cliEnv(server, { region }), AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_MAX_ATTEMPTS: '1' };
  return async (args: string[]): Promise<Record<string, unknown>> => {
    try {
      const { stdout } = await run('aws', ['--endpoint-url', server.endpoint, ...args, '--output', 'json'], { env });
      return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(err.stderr ?? err.message);
    }
  };
}

/** The message a call failed with; fails the test when it succeeded. */
export async function refused(p: Promise<unknown>): Promise<string> {
  const message = await p.then(
    () => undefined,
    (e: Error) => e.message,
  );
  assert.ok(message !== undefined, 'expected the call to fail');
  return message;
}
