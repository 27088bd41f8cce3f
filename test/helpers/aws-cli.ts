/**
 * The unchanged AWS CLIs the tests drive: v1 (pyenv's `aws`, first on PATH) and v2 (Debian's
 * /usr/bin/aws). Both must be installed (.ci/run installs v2): a test that finds one missing
 * fails rather than skips. `cliEnv` isolates the CLI from the user's own config and credentials.
 */
import type { TestServer } from './server.js';

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
