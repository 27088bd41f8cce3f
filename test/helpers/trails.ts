/**
 * Helpers for trail tests: buckets CloudTrail may (or may not) write to, made directly in the
 * server's object store, and asserting an AWS error by class, name and message.
 */
import assert from 'node:assert/strict';
import { cloudTrailBucketPolicy } from '../../src/trails/bucket-policy.js';
import type { TestServer } from './server.js';

/** A bucket in the server's store; with the CloudTrail bucket policy unless `policy` is false. */
export async function makeBucket(
  server: TestServer,
  name: string,
  opts: { prefix?: string; policy?: boolean; region?: string } = {},
): Promise<string> {
  const objects = server.app.context.objects;
  await objects.createBucket(name, opts.region ?? 'us-east-1', server.accountId);
  if (opts.policy !== false) {
    const policy = cloudTrailBucketPolicy({
      bucket: name,
      accountId: server.accountId,
      ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
    });
    await objects.putBucketPolicy(name, JSON.stringify(policy));
  }
  return name;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Asserts `promise` fails with the AWS error `expected`: a class (the SDK's typed exception) or,
 * for errors an operation does not model (the SDK then uses its generic class), the code.
 */
export async function rejectsWith(promise: Promise<unknown>, expected: ErrorClass | string, message?: string | RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, 'expected the call to fail');
  if (typeof expected === 'string') assert.equal(caught.name, expected);
  else assert.ok(caught instanceof expected, `expected ${expected.name}, got ${caught.name}: ${caught.message}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message) assert.match(caught.message, message);
  return caught;
}
