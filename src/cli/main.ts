#!/usr/bin/env node
/**
 * The `opentrail` command. `serve` runs the server; later issues add validate-logs,
 * lookup-events, query and admin commands beside it.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { CONFIG_FILE_ENV, ConfigError, ENV_NAMES, loadConfig, type ConfigInput } from '../config.js';
import { startApp } from '../app.js';
import { usageLines } from '../identity/bootstrap.js';
import { bucketPolicyCommand, type BucketPolicyOptions } from './bucket-policy.js';
import { validateLogsCommand, type ValidateLogsFlags } from './validate-logs.js';
import { accountCreateCommand, accountListCommand, rootKeyResetCommand, type AdminIo } from './admin.js';
import { DEFAULT_ENDPOINT } from './aws-env.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Flags of `serve`: [config key, flag, description]. Each also reads its OPENTRAIL_* variable. */
const SERVE_FLAGS: [keyof typeof ENV_NAMES, string, string][] = [
  ['port', '--port <port>', 'TCP port to listen on (0 picks a free one) [default: 4599]'],
  ['host', '--host <host>', 'address to listen on [default: 127.0.0.1]'],
  ['dataDir', '--data-dir <dir>', 'where the database, keys and objects live [default: ./data]'],
  ['accountId', '--account-id <id>', 'the default account (12 digits) [default: 123456789012]'],
  ['regions', '--regions <list>', 'comma-separated regions accepted in credential scopes [default: AWS commercial regions]'],
  ['retentionDays', '--retention-days <days>', 'event history retention, fractions allowed [default: 90]'],
  ['logLevel', '--log-level <level>', 'fatal|error|warn|info|debug|trace|silent [default: info]'],
  ['maxBodyBytes', '--max-body-bytes <n>', 'largest API request body accepted [default: 1048576]'],
  ['trustedProxies', '--trusted-proxies <list>', 'comma-separated proxy IPs whose X-Forwarded-For is believed [default: none]'],
  ['tlsCert', '--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)'],
  ['tlsKey', '--tls-key <file>', 'PEM private key for --tls-cert'],
  ['objectStore', '--object-store <kind>', 'bucket store: embedded (files in the data dir) or s3 [default: embedded]'],
  ['s3Endpoint', '--s3-endpoint <url>', 'S3-compatible endpoint for --object-store s3'],
  ['s3Region', '--s3-region <region>', 'signing region for --s3-endpoint [default: us-east-1]'],
  ['s3AccessKeyId', '--s3-access-key-id <id>', 'access key id for --s3-endpoint; its secret is read only from OPENTRAIL_S3_SECRET_ACCESS_KEY'],
  ['s3ForcePathStyle', '--s3-force-path-style <bool>', 'path-style bucket addressing for --s3-endpoint [default: true]'],
  ['deliveryIntervalSeconds', '--delivery-interval-seconds <n>', 'how often trails deliver log files [default: 300]'],
  ['deliveryMaxRecords', '--delivery-max-records <n>', 'records per log file at most [default: 10000]'],
  ['deliveryMaxBytes', '--delivery-max-bytes <n>', 'uncompressed bytes per log file at most [default: 33554432]'],
  ['digestKeyRotationDays', '--digest-key-rotation-days <days>', 'how long each region\'s digest signing key signs before the next, fractions allowed [default: 30]'],
  ['digestIntervalSeconds', '--digest-interval-seconds <n>', 'the window of each digest file (AWS: an hour; shorter for tests and dev) [default: 3600]'],
  ['upstreams', '--upstreams <list>', 'recording gateway: comma-separated service=URL (e.g. dynamodb=http://127.0.0.1:5000,default=http://127.0.0.1:4566) for services OpenTrail does not serve'],
  ['upstreamAccessKeyId', '--upstream-access-key-id <id>', 'access key id requests to upstreams are signed with; its secret is read only from OPENTRAIL_UPSTREAM_SECRET_ACCESS_KEY [default: test]'],
  ['upstreamTimeoutSeconds', '--upstream-timeout-seconds <n>', 'connect/answer timeout for upstreams [default: 30]'],
  ['upstreamMaxBodyBytes', '--upstream-max-body-bytes <n>', 'largest request body (other than S3 object bodies, which stream) forwarded to an upstream [default: 73400320]'],
  ['consoleSessionSeconds', '--console-session-seconds <n>', 'web console sessions end this long after sign-in [default: 43200]'],
];

async function serve(flags: Record<string, unknown>): Promise<void> {
  const input: ConfigInput & { config?: string } = {};
  for (const [key] of SERVE_FLAGS) if (flags[key] !== undefined) input[key] = flags[key];
  // `--upstream s3=URL` may be repeated; it adds to a `--upstreams` list.
  const repeated = flags.upstream as string[] | undefined;
  if (repeated) input.upstreams = [...(typeof input.upstreams === 'string' ? input.upstreams.split(',') : []), ...repeated];
  if (typeof flags.config === 'string') input.config = flags.config;
  const config = loadConfig(input);
  const app = await startApp(config);
  const out = process.stdout;
  out.write(`OpenTrail ${version()} listening on ${app.endpoint} (data in ${config.dataDir})\n`);
  out.write(`Web console: ${app.endpoint}/console/\n`);
  const { credentials, created, file } = app.bootstrap;
  if (created && out.isTTY) {
    out.write(`\nRoot credentials of account ${credentials.accountId} (shown once; also in ${file}):\n`);
    for (const line of usageLines(credentials, app.endpoint, config.regions[0]!)) out.write(`  ${line}\n`);
    out.write('\n');
  } else {
    out.write(`Root credentials of account ${credentials.accountId}: ${config.rootAccessKeyId ? 'from OPENTRAIL_ROOT_ACCESS_KEY_ID' : file}\n`);
    out.write(`  export AWS_ENDPOINT_URL=${app.endpoint}\n`);
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function buildProgram(): Command {
  const program = new Command('opentrail')
    .description('Self-hosted, wire-compatible AWS CloudTrail')
    .version(version(), '-V, --version')
    .showHelpAfterError();
  const cmd = program.command('serve').description('run the OpenTrail server');
  for (const [key, flag, description] of SERVE_FLAGS) {
    cmd.addOption(new Option(flag, `${description} (env ${ENV_NAMES[key]})`));
  }
  cmd.addOption(
    new Option('--upstream <service=URL>', 'recording gateway: one upstream, e.g. --upstream s3=http://127.0.0.1:9000; repeatable, adds to --upstreams').argParser(
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    ),
  );
  cmd.addOption(new Option('--config <file>', `JSON file of options (keys as in the README's table); flags and environment win over it (env ${CONFIG_FILE_ENV})`));
  cmd.action(async (opts: Record<string, unknown>) => serve(opts));
  program
    .command('bucket-policy')
    .description("print (or --apply) the bucket policy CloudTrail needs to deliver to BUCKET")
    .argument('<bucket>', 'bucket name')
    .option('--prefix <prefix>', 'the trail\'s S3KeyPrefix, if any')
    .option('--account-id <id>', 'account whose logs go there [default: the credentials\' account]')
    .option('--trail-arn <arn>', 'restrict the grant to this trail (aws:SourceArn condition)')
    .option('--apply', 'put the policy on the bucket instead of printing it')
    .option('--endpoint <url>', 'server to apply it on [default: AWS_ENDPOINT_URL or http://127.0.0.1:4599]')
    .option('--region <region>', 'signing region [default: AWS_DEFAULT_REGION or us-east-1]')
    .option('--data-dir <dir>', 'server data dir holding root-credentials.json, used when AWS_* credentials are not set')
    .action(async (bucket: string, opts: BucketPolicyOptions) => {
      await bucketPolicyCommand(bucket, opts, process.env, process.stdout);
    });
  program
    .command('validate-logs')
    .description("check a trail's log files against its signed digest files, as `aws cloudtrail validate-logs` does, and more")
    .requiredOption('--trail-arn <arn>', 'the trail whose files to validate')
    .requiredOption('--start-time <time>', 'validate files delivered at or after this UTC time (e.g. 2026-01-01T10:00:00Z, 2026-01-01)')
    .option('--end-time <time>', 'validate files delivered up to this UTC time [default: now]')
    .option('--s3-bucket <bucket>', "bucket holding the digests [default: the trail's, from DescribeTrails]")
    .option('--s3-prefix <prefix>', "key prefix of the digests [default: the trail's, when --s3-bucket is not given]")
    .option('--account-id <id>', "account whose files to validate [default: the trail ARN's]")
    .option('--verbose', 'list every valid file too')
    .addOption(new Option('--output <format>', 'text (as the AWS CLI prints) or json (a full report)').choices(['text', 'json']).default('text'))
    .option('--region <region>', "region whose digests to validate [default: AWS_DEFAULT_REGION, AWS_REGION, else the trail's home region]")
    .option('--endpoint <url>', `S3 and CloudTrail endpoint [default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_CLOUDTRAIL, AWS_ENDPOINT_URL, else ${DEFAULT_ENDPOINT}]`)
    .action(async (opts: ValidateLogsFlags) => {
      // The SDK's notice about future Node.js versions would break the AWS CLI's exact stderr.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      process.exitCode = await validateLogsCommand(opts, { env: process.env, stdout: process.stdout, stderr: process.stderr });
    });
  addAdminCommands(program);
  return program;
}

const ADMIN_HELP = `
These open the data dir's database directly and need no running server. root-key reset refuses
(exit 1) while another process, such as \`opentrail serve\`, has the database open: a server caches
credentials, so stop it, reset, start it again. Exit codes: 0 done, 1 refused or failed, 2 usage error.`;

/** `account create|list` and `root-key reset`: admin commands for the operator holding the data dir. */
function addAdminCommands(program: Command): void {
  const io: AdminIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };
  // Usage errors (missing or bad options) exit 2, as configuration errors do.
  const usageExit = (err: { exitCode: number }): never => process.exit(err.exitCode === 0 ? 0 : 2);
  const withServeFlags = (cmd: Command): Command => {
    for (const [key, flag, description] of SERVE_FLAGS.filter(([k]) => k === 'dataDir' || k === 'host' || k === 'port')) {
      const what = key === 'dataDir' ? description : `the server's ${key}, for the printed AWS_ENDPOINT_URL [default: as serve]`;
      cmd.addOption(new Option(flag, `${what} (env ${ENV_NAMES[key]})`));
    }
    return cmd.addHelpText('after', ADMIN_HELP);
  };
  const account = program.command('account').description('create and list accounts in the data dir (no server needed)').exitOverride(usageExit);
  withServeFlags(
    account
      .command('create')
      .description("create an account and its root access key pair, printed once (the default account's pair also goes to root-credentials.json)")
      .option('--account-id <id>', 'the new account\'s 12-digit id [default: random]')
      .option('--alias <alias>', 'account alias: 3-63 lowercase letters, digits and hyphens, unique'),
  ).action(async (opts: Parameters<typeof accountCreateCommand>[0]) => {
    process.exitCode = await accountCreateCommand(opts, io);
  });
  withServeFlags(
    account
      .command('list')
      .description('list accounts: alias, creation time, active root keys, IAM users (never a secret)')
      .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (opts: Parameters<typeof accountListCommand>[0]) => {
    process.exitCode = await accountListCommand(opts, io);
  });
  const rootKey = program.command('root-key').description("replace an account's root access keys (no server may run)").exitOverride(usageExit);
  withServeFlags(
    rootKey
      .command('reset')
      .description("delete the account's root access keys (and its root sessions) and create a new pair, printed once; for the default account also rewrites root-credentials.json (0600)")
      .requiredOption('--account-id <id>', 'the account whose root keys to replace'),
  ).action(async (opts: Parameters<typeof rootKeyResetCommand>[0]) => {
    process.exitCode = await rootKeyResetCommand(opts, io);
  });
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err instanceof Error ? err.message : err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
