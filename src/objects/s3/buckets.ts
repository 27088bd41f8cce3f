/**
 * Buckets on an S3-compatible endpoint. The endpoint knows one identity while OpenTrail has many
 * accounts, so the owning account id is kept as a bucket tag (OWNER_TAG); buckets created by
 * other tools carry no tag and are listed for every account.
 */
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketInfo } from '../object-store.js';
import { checkBucketName } from '../embedded/bucket-name.js';
import { s3Error } from '../embedded/errors.js';
import { call, isNotFound, mapError, s3Code } from './errors.js';

export const OWNER_TAG = 'opentrail:owner-account';

export async function createBucket(client: S3Client, name: string, region: string, owner: string): Promise<BucketInfo> {
  checkBucketName(name);
  // us-east-1 answers 200 to re-creating an own bucket, so existence is checked first.
  const existing = await headBucket(client, name);
  if (existing) throw s3Error(existing.ownerAccountId === owner ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists');
  await call(() =>
    client.send(
      new CreateBucketCommand({
        Bucket: name,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    ),
  );
  await call(() => client.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: OWNER_TAG, Value: owner }] } })));
  const info = await headBucket(client, name);
  if (!info) throw s3Error('NoSuchBucket');
  return info;
}

/** The bucket's info, or undefined when the endpoint has no such bucket. */
export async function headBucket(client: S3Client, name: string): Promise<BucketInfo | undefined> {
  const created = await creationDates(client);
  const creationDateMs = created.get(name);
  if (creationDateMs === undefined) return undefined;
  try {
    return await describe(client, name, creationDateMs);
  } catch (err) {
    if (s3Code(err) === 'NoSuchBucket' || isNotFound(err)) return undefined;
    return mapError(err);
  }
}

/** Buckets tagged with `owner`, plus untagged ones. */
export async function listBuckets(client: S3Client, owner: string): Promise<BucketInfo[]> {
  const created = await creationDates(client);
  const infos = await Promise.all(
    [...created].map(([name, ms]) => describe(client, name, ms).catch((err: unknown) => (isNotFound(err) ? undefined : mapError(err)))),
  );
  return infos.filter((b): b is BucketInfo => b !== undefined && (b.ownerAccountId === owner || b.ownerAccountId === ''));
}

async function creationDates(client: S3Client): Promise<Map<string, number>> {
  const out = await call(() => client.send(new ListBucketsCommand({})));
  return new Map((out.Buckets ?? []).map((b) => [b.Name ?? '', b.CreationDate?.getTime() ?? 0]));
}

async function describe(client: S3Client, name: string, creationDateMs: number): Promise<BucketInfo> {
  const [location, owner] = await Promise.all([
    client.send(new GetBucketLocationCommand({ Bucket: name })),
    ownerOf(client, name),
  ]);
  // An empty constraint means us-east-1; 'EU' is the legacy name of eu-west-1.
  const constraint = location.LocationConstraint as string | undefined;
  const region = !constraint ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint;
  return { name, region, ownerAccountId: owner, creationDateMs };
}

async function ownerOf(client: S3Client, name: string): Promise<string> {
  try {
    const out = await client.send(new GetBucketTaggingCommand({ Bucket: name }));
    return out.TagSet?.find((t) => t.Key === OWNER_TAG)?.Value ?? '';
  } catch (err) {
    if (s3Code(err) === 'NoSuchTagSet') return '';
    throw err;
  }
}
