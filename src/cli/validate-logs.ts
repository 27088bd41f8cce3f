/**
 * `opentrail validate-logs`: `aws cloudtrail validate-logs` with the same flags, output and exit
 * codes (0 all valid, 1 anything invalid, 255 when the run cannot proceed, after the CLI's
 * `\n<message>\n` on stderr), plus OpenTrail's extra checks, `--output json` and a progress line
 * on a terminal. Talks to any S3-compatible endpoint and any CloudTrail endpoint (aws-env.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { cloudTrailPublicKeys, cloudTrailTrails, s3ObjectSource } from '../validate/aws-sources.js';
import { anyInvalid, type ValidationSink } from '../validate/events.js';
import { JsonReport } from '../validate/json-report.js';
import { ProgressSink } from '../validate/progress.js';
import { TextReport } from '../validate/text-report.js';
import { parseUserTime } from '../validate/time.js';
import { validateLogs, type ValidateSources } from '../validate/validator.js';
import { clientConfig, credentialsOf, dataDirOf, endpointOf, regionOf } from './aws-env.js';

export interface ValidateLogsFlags {
  trailArn: string;
  startTime: string;
  endTime?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  accountId?: string;
  verbose?: boolean;
  output?: 'text' | 'json';
  region?: string;
  endpoint?: string;
}

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ValidateLogsIO {
  env: NodeJS.ProcessEnv;
  stdout: Stream;
  stderr: Stream;
  /** Where digests, log files, keys and trails come from [default: S3 and CloudTrail clients]. */
  sources?: ValidateSources;
  now?: () => Date;
}

function awsSources(flags: ValidateLogsFlags, env: NodeJS.ProcessEnv, region: string): ValidateSources & { close(): void } {
  const creds = credentialsOf(env, dataDirOf(undefined, env));
  const s3 = new S3Client({ ...clientConfig(endpointOf('S3', flags.endpoint, env), region, creds), forcePathStyle: true, followRegionRedirects: true });
  const cloudtrail = new CloudTrailClient(clientConfig(endpointOf('CLOUDTRAIL', flags.endpoint, env), region, creds));
  return {
    objects: s3ObjectSource(s3),
    publicKeys: cloudTrailPublicKeys(cloudtrail),
    trails: cloudTrailTrails(cloudtrail),
    close() {
      s3.destroy();
      cloudtrail.destroy();
    },
  };
}

/** Runs the command; resolves to its exit status. */
export async function validateLogsCommand(flags: ValidateLogsFlags, io: ValidateLogsIO): Promise<number> {
  const region = regionOf(flags.region, io.env);
  const own = io.sources ? undefined : awsSources(flags, io.env, region ?? flags.trailArn.split(':')[3] ?? 'us-east-1');
  const report: ValidationSink =
    flags.output === 'json' ? new JsonReport(io.stdout) : new TextReport({ out: io.stdout, err: io.stderr }, flags.verbose === true);
  const progress = io.stderr.isTTY ? new ProgressSink(report, io.stderr) : undefined;
  try {
    const start = parseUserTime(flags.startTime);
    const end = flags.endTime ? parseUserTime(flags.endTime) : (io.now?.() ?? new Date());
    const summary = await validateLogs(
      {
        trailArn: flags.trailArn,
        start,
        end,
        ...(flags.s3Bucket !== undefined ? { bucket: flags.s3Bucket } : {}),
        ...(flags.s3Prefix !== undefined ? { prefix: flags.s3Prefix } : {}),
        ...(flags.accountId !== undefined ? { accountId: flags.accountId } : {}),
        ...(region ? { region } : {}),
      },
      io.sources ?? own!,
      progress ?? report,
      progress ? { onBytes: progress.onBytes } : {},
    );
    return anyInvalid(summary) ? 1 : 0;
  } catch (err) {
    progress?.stop();
    io.stderr.write(`\n${err instanceof Error ? err.message : String(err)}\n`);
    return 255;
  } finally {
    own?.close();
  }
}
