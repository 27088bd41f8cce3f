/**
 * The production sources of validate-logs: any S3-compatible bucket through @aws-sdk/client-s3
 * (ListObjects v1 with Marker as the AWS CLI lists, GetObject streamed) and any CloudTrail
 * endpoint through @aws-sdk/client-cloudtrail (DescribeTrails with no arguments, ListPublicKeys).
 * Service errors are worded as the AWS CLI prints them.
 */
import { GetObjectCommand, ListObjectsCommand, type ListObjectsCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { DescribeTrailsCommand, ListPublicKeysCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ObjectNotFound, SourceError, type ObjectSource, type PublicKey, type PublicKeySource, type TrailInfo, type TrailSource } from './sources.js';

/** `An error occurred (Code) when calling the Op operation: message`, botocore's wording. */
function serviceError(operation: string, err: unknown): SourceError {
  const e = err as { name?: string; message?: string };
  return new SourceError(`An error occurred (${e.name ?? 'Error'}) when calling the ${operation} operation: ${e.message ?? String(err)}`);
}

export function s3ObjectSource(client: S3Client): ObjectSource {
  return {
    async *list(bucket, prefix, marker) {
      let next: string | undefined = marker;
      for (;;) {
        const page: ListObjectsCommandOutput = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: next })).catch((err: unknown) => {
          throw serviceError('ListObjects', err);
        });
        const keys = (page.Contents ?? []).map((c) => c.Key).filter((k): k is string => k !== undefined);
        yield* keys;
        if (!page.IsTruncated || keys.length === 0) return;
        next = page.NextMarker ?? keys[keys.length - 1];
      }
    },
    async get(bucket, key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return { body: res.Body as AsyncIterable<Uint8Array>, metadata: res.Metadata ?? {} };
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFound(bucket, key);
        throw serviceError('GetObject', err);
      }
    },
  };
}

export function cloudTrailPublicKeys(client: CloudTrailClient): PublicKeySource {
  return {
    async list(start, end) {
      const keys: PublicKey[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token })).catch((err: unknown) => {
          throw serviceError('ListPublicKeys', err);
        });
        for (const k of page.PublicKeyList ?? []) if (k.Fingerprint && k.Value) keys.push({ fingerprint: k.Fingerprint, value: k.Value });
        token = page.NextToken;
      } while (token);
      return keys;
    },
  };
}

export function cloudTrailTrails(client: CloudTrailClient): TrailSource {
  return {
    async describeTrails(): Promise<TrailInfo[]> {
      const res = await client.send(new DescribeTrailsCommand({})).catch((err: unknown) => {
        throw serviceError('DescribeTrails', err);
      });
      return (res.trailList ?? []).map((t) => ({
        trailArn: t.TrailARN ?? '',
        bucket: t.S3BucketName ?? '',
        ...(t.S3KeyPrefix ? { prefix: t.S3KeyPrefix } : {}),
        isOrganizationTrail: t.IsOrganizationTrail === true,
      }));
    },
    async organizationId(): Promise<string> {
      throw new Error('organization trails are not supported yet: validate-logs cannot look up the organization id (Organizations DescribeOrganization)');
    },
  };
}
