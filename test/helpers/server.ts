/**
 * Starts a real OpenTrail server in-process on an ephemeral port with a fresh data dir, and
 * builds official SDK clients for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { startApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';

export interface TestServer {
  app: App;
  endpoint: string;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  accountId: string;
  cloudtrail(region?: string, creds?: { accessKeyId: string; secretAccessKey: string }): CloudTrailClient;
  stop(keepData?: boolean): Promise<void>;
}

export function tempDir(prefix = 'opentrail-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(
  opts: { clock?: Clock; config?: ConfigInput; dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({ port: 0, dataDir, logLevel: 'silent', ...opts.config }, {});
  const app = await startApp(config, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    logger: createLogger(process.env.OPENTRAIL_TEST_LOG ?? 'silent'),
  });
  const credentials = {
    accessKeyId: app.bootstrap.credentials.accessKeyId,
    secretAccessKey: app.bootstrap.credentials.secretAccessKey,
  };
  const clients: CloudTrailClient[] = [];
  return {
    app,
    endpoint: app.endpoint,
    dataDir,
    credentials,
    accountId: config.accountId,
    cloudtrail(region = 'us-east-1', creds = credentials) {
      const c = new CloudTrailClient({ endpoint: app.endpoint, region, credentials: creds, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    async stop(keepData = false) {
      for (const c of clients) c.destroy();
      await app.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
