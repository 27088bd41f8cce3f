/** CloudTrail record fixtures for unit tests of trail semantics (selectors, scope). */
import type { CloudTrailRecord, RecordResource } from '../../src/recorder/record.js';

export const ACCOUNT = '123456789012';

/** Fields tests set that CloudTrailRecord may not declare yet. */
type Extra = { vpcEndpointId?: string; resources?: (RecordResource & { ARNPrefix?: string })[] };

/** A write management event (EC2 RunInstances in eu-west-1) with `overrides` applied. */
export function record(overrides: Partial<CloudTrailRecord> & Extra = {}): CloudTrailRecord {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
    eventTime: '2024-01-01T00:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.1',
    requestParameters: null,
    responseElements: null,
    requestID: 'req-1',
    eventID: 'evt-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...overrides,
  };
}

/** An S3 object-level data event as AWS records it: the object and its bucket as resources. */
export function s3Object(bucket: string, key: string, eventName = 'GetObject', overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return record({
    eventSource: 's3.amazonaws.com',
    eventName,
    readOnly: eventName.startsWith('Get') || eventName.startsWith('Head') || eventName.startsWith('List'),
    managementEvent: false,
    eventCategory: 'Data',
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
    ...overrides,
  });
}

/** A data event on one resource of `type` (Lambda Invoke, DynamoDB GetItem, ...). */
export function dataEvent(type: string, arn: string, eventName: string, readOnly: boolean): CloudTrailRecord {
  return record({
    eventSource: `${arn.split(':')[2] ?? 'unknown'}.amazonaws.com`,
    eventName,
    readOnly,
    managementEvent: false,
    eventCategory: 'Data',
    resources: [{ accountId: ACCOUNT, type, ARN: arn }],
  });
}

/** A value's field names and JSON types, recursively (every element of an array): a record's shape. */
export function skeleton(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map(skeleton);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, skeleton(o[k])]));
  }
  return typeof v;
}
