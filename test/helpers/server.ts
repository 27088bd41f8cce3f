/**
 * Starts a real OpenTrail server in-process on an ephemeral port with a fresh data dir, and
 * builds official SDK clients for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { startApp, type App } from '../../src/app.js';
import type { Clock } from '../../src/lib/clock.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';

export interface TestServer {
  app: App;
  endpoint: string;
  dataDir: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  accountId: string;
  cloudtrail(region?: string, creds?: { accessKeyId: string; secretAccessKey: string }): CloudTrailClient;
  /** Root credentials of another account (created on first use), for cross-account calls. */
  accountCredentials(accountId: string): { accessKeyId: string; secretAccessKey: string };
  /** An S3 client for the bucket store, path-style unless `config` says otherwise. */
  s3(region?: string, creds?: { accessKeyId: string; secretAccessKey: string }, config?: Partial<S3ClientConfig>): S3Client;
  stop(keepData?: boolean): Promise<void>;
}

export function tempDir(prefix = 'opentrail-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(
  opts: { clock?: Clock; config?: ConfigInput; dataDir?: string; logger?: Logger } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({ port: 0, dataDir, logLevel: 'silent', ...opts.config }, {});
  const app = await startApp(config, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    logger: opts.logger ?? createLogger(process.env.OPENTRAIL_TEST_LOG ?? 'silent'),
  });
  const credentials = {
    accessKeyId: app.bootstrap.credentials.accessKeyId,
    secretAccessKey: app.bootstrap.credentials.secretAccessKey,
  };
  const clients: { destroy(): void }[] = [];
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
    accountCredentials(accountId) {
      const creds = { accessKeyId: `AKIA${accountId.padStart(16, '0')}`, secretAccessKey: `secret-of-${accountId}-0123456789abcdef` };
      const now = app.context.clock.now();
      app.context.identity.ensureAccount(accountId, now);
      app.context.identity.putAccessKey({ type: 'Root', accountId, accessKeyId: creds.accessKeyId }, creds.secretAccessKey, now);
      return creds;
    },
    s3(region = 'us-east-1', creds = credentials, config = {}) {
      const c = new S3Client({ endpoint: app.endpoint, region, credentials: creds, forcePathStyle: true, maxAttempts: 1, ...config });
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
