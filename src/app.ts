/**
 * Start-up: builds the ServiceContext once from the configuration (data dir, database, keys,
 * identities), wires the AWS pipeline to the HTTP edge and starts background work. `close()`
 * stops everything in order so nothing acknowledged is lost.
 */
import { mkdirSync, existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type http from 'node:http';
import type { Config } from './config.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { openDatabase } from './store/sqlite/database.js';
import { SqliteEventLog } from './store/sqlite/event-log.js';
import { IdentityStore } from './identity/store.js';
import { IamDirectory } from './identity/iam-directory.js';
import { SessionStore } from './identity/sessions.js';
import { bootstrapIdentity, type BootstrapResult } from './identity/bootstrap.js';
import { AwsPipeline } from './aws/pipeline.js';
import type { ServiceContext } from './aws/service.js';
import { createCloudTrailService } from './services/cloudtrail/index.js';
import { createEdge, listen } from './http/server.js';
import { RetentionPurger } from './store/retention.js';
import { TrailRegistry } from './trails/registry.js';
import type { ObjectStore } from './objects/object-store.js';
import { EmbeddedObjectStore } from './objects/embedded/index.js';
import { S3ObjectStore } from './objects/s3/index.js';
import { createS3Service } from './services/s3/index.js';
import { createIamService } from './services/iam/index.js';
import { createStsService } from './services/sts/index.js';
import { DeliveryRows } from './delivery/delivery-rows.js';
import { DeliveryWorker } from './delivery/worker.js';
import { DigestRows } from './delivery/digest-rows.js';
import { SigningKeys } from './delivery/signing-keys.js';
import { Gateway } from './gateway/proxy.js';
import { ConsoleServer } from './console/server.js';
import { ConsoleSessions } from './console/sessions.js';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface App {
  context: ServiceContext;
  server: http.Server;
  /** `http://host:port` actually listened on. */
  endpoint: string;
  port: number;
  bootstrap: BootstrapResult;
  purger: RetentionPurger;
  delivery: DeliveryWorker;
  close(): Promise<void>;
}

/** A random secret kept in the data dir, created on first start with mode 0600. */
function dataDirKey(dataDir: string, name: string): Buffer {
  const file = join(dataDir, name);
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** The bucket store the configuration chooses: files under the data dir, or an S3 endpoint. */
async function openObjectStore(config: Config, dataDir: string, clock: Clock): Promise<ObjectStore> {
  if (config.objectStore === 's3') {
    return new S3ObjectStore({
      endpoint: config.s3Endpoint ?? '',
      region: config.s3Region,
      credentials: { accessKeyId: config.s3AccessKeyId ?? '', secretAccessKey: config.s3SecretAccessKey ?? '' },
      forcePathStyle: config.s3ForcePathStyle,
    });
  }
  return EmbeddedObjectStore.open({ dir: join(dataDir, 'objects'), masterKey: dataDirKey(dataDir, 'objects.key'), clock });
}

export async function startApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(dataDir, 'opentrail.db'));
  // Commits (and their fsyncs) run on a worker thread so they never stall request handling.
  // State a recorded call changes (trails) reaches the writer as StateChanges with the call's
  // event, so both commit in one transaction (invariant 1) although the writer is a thread.
  const eventLog = new SqliteEventLog(db, { writer: 'worker' });
  const identity = new IdentityStore(db);
  const bootstrap = bootstrapIdentity(identity, {
    dataDir,
    accountId: config.accountId,
    now: clock.now(),
    ...(config.rootAccessKeyId && config.rootSecretAccessKey
      ? { override: { accessKeyId: config.rootAccessKeyId, secretAccessKey: config.rootSecretAccessKey } }
      : {}),
  });
  const trails = TrailRegistry.load(db);
  const iam = IamDirectory.load(db, identity);
  const sessions = SessionStore.load(db, clock.now());
  const context: ServiceContext = {
    config,
    clock,
    logger,
    eventLog,
    identity,
    sessions,
    tokenKey: dataDirKey(dataDir, 'token.key'),
    trails,
    iam,
    objects: await openObjectStore(config, dataDir, clock),
    signingKeys: new SigningKeys(db, eventLog, {
      secret: dataDirKey(dataDir, 'signing.key'),
      rotationMs: config.digestKeyRotationDays * 86_400_000,
    }),
  };
  // S3 last: it answers the unsigned requests no other service claims.
  const gateway = new Gateway(config, logger);
  const pipeline = new AwsPipeline(context, [createCloudTrailService(), createIamService(), createStsService(), createS3Service()], gateway);
  const consoleServer = new ConsoleServer(context, pipeline, ConsoleSessions.load(db, clock, eventLog));
  const server = createEdge(pipeline, {
    trustedProxies: config.trustedProxies,
    clock,
    ...(config.tlsCert && config.tlsKey ? { tls: { certFile: config.tlsCert, keyFile: config.tlsKey } } : {}),
  }, consoleServer);
  const address = await listen(server, config.port, config.host);
  const purger = new RetentionPurger(eventLog, clock, config.retentionDays, logger);
  purger.start();
  const delivery = new DeliveryWorker(context, new DeliveryRows(db), new DigestRows(db), {
    intervalMs: config.deliveryIntervalSeconds * 1000,
    digestIntervalMs: config.digestIntervalSeconds * 1000,
    limits: { maxRecords: config.deliveryMaxRecords, maxBytes: config.deliveryMaxBytes },
    regions: config.regions,
  });
  delivery.start();
  const scheme = config.tlsCert ? 'https' : 'http';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    context,
    server,
    endpoint: `${scheme}://${host}:${address.port}`,
    port: address.port,
    bootstrap,
    purger,
    delivery,
    async close() {
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeIdleConnections();
      });
      await gateway.close();
      await consoleServer.close();
      await purger.stop();
      await delivery.stop();
      await eventLog.close();
      await context.objects.close();
      db.close();
    },
  };
}
