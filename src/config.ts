/**
 * The one place configuration is read (DESIGN: no other module touches process.env). Every
 * option has a flag, an `OPENTRAIL_*` variable, a key in the optional JSON config file
 * (`--config`, OPENTRAIL_CONFIG) and a default; flags win over the environment, the environment
 * over the file. The result is validated by one zod schema and frozen.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Commercial AWS regions accepted in credential scopes unless configured otherwise. */
export const DEFAULT_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-7', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1',
  'me-central-1', 'mx-central-1', 'sa-east-1',
] as const;

const csv = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `true`/`false` (also 1/0, yes/no) from flags and the environment. */
const bool = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
  return z.NEVER;
});

/**
 * One upstream of the recording gateway: where a service's calls go, and the key pair they are
 * re-signed with there (unset: the `upstreamAccessKeyId`/`upstreamSecretAccessKey` pair).
 */
export interface Upstream {
  service: string;
  url: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const SERVICE_NAME = /^[a-z0-9-]+$/;
const ENTRY_HINT = 'must be service=URL, e.g. dynamodb=http://127.0.0.1:5000';

const upstreamWithKeys = z
  .object({ url: z.string().url(), accessKeyId: z.string().min(1).optional(), secretAccessKey: z.string().min(1).optional() })
  .strict()
  .refine((u) => (u.accessKeyId === undefined) === (u.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey must be given together',
  });

/**
 * `service=URL` entries (flags, environment: a comma-separated list or repeated `--upstream`), or
 * in the config file an object `{"s3": "http://…", "dynamodb": {"url": …, "accessKeyId": …,
 * "secretAccessKey": …}}` — the only place a per-upstream secret can be given.
 */
const upstreams = z.union([
  csv.pipe(z.array(z.string().regex(/^[a-z0-9-]+=https?:\/\/\S+$/, ENTRY_HINT))).transform((entries) =>
    entries.map((e): Upstream => ({ service: e.slice(0, e.indexOf('=')), url: e.slice(e.indexOf('=') + 1) })),
  ),
  z.record(z.string().regex(SERVICE_NAME, 'service names are lower-case letters, digits and -'), z.union([z.string().url(), upstreamWithKeys])).transform(
    (byService) =>
      Object.entries(byService).map(([service, u]): Upstream => (typeof u === 'string' ? { service, url: u } : { service, ...u })),
  ),
]);

const schema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(4599),
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('./data'),
    accountId: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .default('123456789012'),
    regions: csv.pipe(z.array(z.string().regex(REGION, 'not a region name')).min(1))
      .default([...DEFAULT_REGIONS]),
    retentionDays: z.coerce.number().positive().default(90),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    maxBodyBytes: z.coerce.number().int().min(1024).default(1024 * 1024),
    trustedProxies: csv.default([]),
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    rootAccessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'must be 16-128 upper-case letters/digits').optional(),
    rootSecretAccessKey: z.string().min(16).optional(),
    objectStore: z.enum(['embedded', 's3']).default('embedded'),
    s3Endpoint: z.string().url('must be a URL such as http://127.0.0.1:9000').optional(),
    s3Region: z.string().regex(REGION, 'not a region name').default('us-east-1'),
    s3AccessKeyId: z.string().min(1).optional(),
    s3SecretAccessKey: z.string().min(1).optional(),
    s3ForcePathStyle: bool.default(true),
    deliveryIntervalSeconds: z.coerce.number().positive().max(3600).default(300),
    deliveryMaxRecords: z.coerce.number().int().min(1).default(10_000),
    deliveryMaxBytes: z.coerce.number().int().min(1024).default(32 * 1024 * 1024),
    digestKeyRotationDays: z.coerce.number().positive().default(30),
    digestIntervalSeconds: z.coerce.number().min(1).max(86_400).default(3600),
    upstreams: upstreams.default([]),
    upstreamAccessKeyId: z.string().min(1).default('test'),
    upstreamSecretAccessKey: z.string().min(1).default('test'),
    upstreamTimeoutSeconds: z.coerce.number().positive().default(30),
    // Lambda's direct-upload limit is a 50 MB zip, about 67 MB as base64 inside the JSON request.
    upstreamMaxBodyBytes: z.coerce.number().int().min(1024).default(70 * 1024 * 1024),
    // AWS signs console users out after 12 hours.
    consoleSessionSeconds: z.coerce.number().int().min(60).max(43_200).default(43_200),
  })
  .strict()
  .refine((c) => (c.rootAccessKeyId === undefined) === (c.rootSecretAccessKey === undefined), {
    message: 'OPENTRAIL_ROOT_ACCESS_KEY_ID and OPENTRAIL_ROOT_SECRET_ACCESS_KEY must be set together',
  })
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
    message: '--tls-cert and --tls-key must be given together',
  })
  .refine((c) => c.objectStore !== 's3' || (c.s3Endpoint && c.s3AccessKeyId && c.s3SecretAccessKey), {
    message:
      'OPENTRAIL_OBJECT_STORE=s3 needs OPENTRAIL_S3_ENDPOINT, OPENTRAIL_S3_ACCESS_KEY_ID and OPENTRAIL_S3_SECRET_ACCESS_KEY',
  });

export type Config = Readonly<z.infer<typeof schema>>;
export type ConfigInput = Partial<Record<keyof z.input<typeof schema>, unknown>>;

/** Option name → environment variable, documented in the README. */
export const ENV_NAMES: Readonly<Record<keyof z.input<typeof schema>, string>> = {
  port: 'OPENTRAIL_PORT',
  host: 'OPENTRAIL_HOST',
  dataDir: 'OPENTRAIL_DATA_DIR',
  accountId: 'OPENTRAIL_ACCOUNT_ID',
  regions: 'OPENTRAIL_REGIONS',
  retentionDays: 'OPENTRAIL_RETENTION_DAYS',
  logLevel: 'OPENTRAIL_LOG_LEVEL',
  maxBodyBytes: 'OPENTRAIL_MAX_BODY_BYTES',
  trustedProxies: 'OPENTRAIL_TRUSTED_PROXIES',
  tlsCert: 'OPENTRAIL_TLS_CERT',
  tlsKey: 'OPENTRAIL_TLS_KEY',
  rootAccessKeyId: 'OPENTRAIL_ROOT_ACCESS_KEY_ID',
  rootSecretAccessKey: 'OPENTRAIL_ROOT_SECRET_ACCESS_KEY',
  objectStore: 'OPENTRAIL_OBJECT_STORE',
  s3Endpoint: 'OPENTRAIL_S3_ENDPOINT',
  s3Region: 'OPENTRAIL_S3_REGION',
  s3AccessKeyId: 'OPENTRAIL_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'OPENTRAIL_S3_SECRET_ACCESS_KEY',
  s3ForcePathStyle: 'OPENTRAIL_S3_FORCE_PATH_STYLE',
  deliveryIntervalSeconds: 'OPENTRAIL_DELIVERY_INTERVAL_SECONDS',
  deliveryMaxRecords: 'OPENTRAIL_DELIVERY_MAX_RECORDS',
  deliveryMaxBytes: 'OPENTRAIL_DELIVERY_MAX_BYTES',
  digestKeyRotationDays: 'OPENTRAIL_DIGEST_KEY_ROTATION_DAYS',
  digestIntervalSeconds: 'OPENTRAIL_DIGEST_INTERVAL_SECONDS',
  upstreams: 'OPENTRAIL_UPSTREAMS',
  upstreamAccessKeyId: 'OPENTRAIL_UPSTREAM_ACCESS_KEY_ID',
  upstreamSecretAccessKey: 'OPENTRAIL_UPSTREAM_SECRET_ACCESS_KEY',
  upstreamTimeoutSeconds: 'OPENTRAIL_UPSTREAM_TIMEOUT_SECONDS',
  upstreamMaxBodyBytes: 'OPENTRAIL_UPSTREAM_MAX_BODY_BYTES',
  consoleSessionSeconds: 'OPENTRAIL_CONSOLE_SESSION_SECONDS',
};

export class ConfigError extends Error {}

/** The JSON config file, when a `--config` flag or OPENTRAIL_CONFIG names one. */
export const CONFIG_FILE_ENV = 'OPENTRAIL_CONFIG';

/** The keys of a config file: the options' names as in ENV_NAMES (a JSON object). */
function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`Invalid configuration: cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid configuration: ${file} must hold a JSON object of options`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in ENV_NAMES));
  if (unknown.length > 0) throw new ConfigError(`Invalid configuration: ${file} has unknown options: ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}

/**
 * A union's own message ("Invalid input") says nothing; the branch that had the right type
 * knows what was wrong (e.g. "must be service=URL").
 */
function issueMessage(issue: z.ZodIssue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const fitting = issue.unionErrors.find((e) => e.issues[0] && !wrongType(e.issues[0], issue.path.length));
  return fitting?.issues[0] ? issueMessage(fitting.issues[0]) : issue.message;
}

/** True when the value itself (at path depth `depth`) had none of the types a branch takes. */
function wrongType(issue: z.ZodIssue, depth: number): boolean {
  if (issue.path.length !== depth) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.unionErrors.every((e) => e.issues[0] !== undefined && wrongType(e.issues[0], depth));
}

/**
 * Builds the configuration from flags (already parsed by the CLI) over environment variables over
 * the config file. Throws ConfigError naming every bad option; secret values are never echoed.
 */
export function loadConfig(flags: ConfigInput & { config?: string } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const configFile = flags.config ?? env[CONFIG_FILE_ENV];
  const fromFile = configFile ? readConfigFile(configFile) : {};
  const merged: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_NAMES)) {
    // An empty flag or variable counts as not given: the next source decides.
    const value = [flags[key as keyof ConfigInput], env[envName], fromFile[key]].find((v) => v !== undefined && v !== '');
    if (value !== undefined) merged[key] = value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path[0];
      const where = typeof key === 'string' ? `${key} (${ENV_NAMES[key as keyof typeof ENV_NAMES]})` : 'config';
      return `${where}: ${issueMessage(i)}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({ ...parsed.data, regions: Object.freeze([...parsed.data.regions]) }) as Config;
}
