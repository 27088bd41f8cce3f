/**
 * `opentrail bucket-policy BUCKET`: the bucket policy CloudTrail needs before CreateTrail accepts a
 * bucket (reference §4.5). Prints it, or with --apply puts it on the bucket through the S3 API of
 * a running server, using the caller's AWS_* credentials or, failing those, the root pair the
 * server wrote to its data dir. One line instead of hand-editing policy JSON.
 */
import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { cloudTrailBucketPolicy } from '../trails/bucket-policy.js';
import { clientConfig, credentialsOf, dataDirOf, endpointOf, regionOf, rootCredentialsFile, type ClientCredentials } from './aws-env.js';

export interface BucketPolicyOptions {
  prefix?: string;
  accountId?: string;
  trailArn?: string;
  apply?: boolean;
  endpoint?: string;
  region?: string;
  dataDir?: string;
}

function credentials(env: NodeJS.ProcessEnv, dataDir: string): ClientCredentials {
  const found = credentialsOf(env, dataDir);
  if (found) return found;
  throw new Error(
    `no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point --data-dir at the server's data dir (${rootCredentialsFile(dataDir)} not readable)`,
  );
}

/** Prints the policy, or applies it; resolves to the policy text. */
export async function bucketPolicyCommand(
  bucket: string,
  opts: BucketPolicyOptions,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<string> {
  const dataDir = dataDirOf(opts.dataDir, env);
  const creds = opts.apply ? credentials(env, dataDir) : undefined;
  const accountId = opts.accountId ?? (creds?.accountId || env.OPENTRAIL_ACCOUNT_ID || '123456789012');
  const policy = JSON.stringify(
    cloudTrailBucketPolicy({
      bucket,
      accountId,
      ...(opts.prefix ? { prefix: opts.prefix } : {}),
      ...(opts.trailArn ? { trailArn: opts.trailArn } : {}),
    }),
    null,
    2,
  );
  if (!creds) {
    out.write(policy + '\n');
    return policy;
  }
  const endpoint = endpointOf('S3', opts.endpoint, env);
  const client = new S3Client({ ...clientConfig(endpoint, regionOf(opts.region, env) ?? 'us-east-1', creds), forcePathStyle: true, maxAttempts: 1 });
  try {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
  } finally {
    client.destroy();
  }
  out.write(`Applied CloudTrail's bucket policy to s3://${bucket} at ${endpoint}\n`);
  return policy;
}
