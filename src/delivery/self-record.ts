/**
 * The record of a log file delivery as S3 sees it (reference §4.4): a PutObject data event made by
 * the CloudTrail service (`userIdentity.type: AWSService`, `invokedBy`), in the bucket's region and
 * owner's account. Other trails that log data events on the bucket receive it; the delivering
 * trail never does (trails/intake.ts).
 */
import { randomBytes } from 'node:crypto';
import { uuid } from '../lib/ids.js';
import { EVENT_VERSION, isoSeconds } from '../recorder/recorder.js';
import type { CloudTrailRecord } from '../recorder/record.js';
import { additionalEventData, recordResources } from '../services/s3/record.js';
import type { NewEvent } from '../store/event-log.js';
import { CLOUDTRAIL_SERVICE } from '../trails/intake.js';

export interface DeliveredObject {
  bucket: string;
  bucketRegion: string;
  bucketOwner: string;
  key: string;
  bytes: number;
  timeMs: number;
  /** 'AES256' or 'aws:kms' (with the key ARN). */
  encryption: { mode: string; kmsKeyId?: string };
}

export function deliveryEvent(o: DeliveredObject): NewEvent {
  const sse: Record<string, string> = { 'x-amz-server-side-encryption': o.encryption.mode };
  if (o.encryption.kmsKeyId) sse['x-amz-server-side-encryption-aws-kms-key-id'] = o.encryption.kmsKeyId;
  const { resources, lookup } = recordResources({
    bucket: o.bucket,
    key: o.key,
    ownerAccountId: o.bucketOwner,
    dataEvent: true,
    objectPrefix: false,
  });
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const record: CloudTrailRecord = {
    eventVersion: EVENT_VERSION,
    userIdentity: { type: 'AWSService', invokedBy: CLOUDTRAIL_SERVICE },
    eventTime: isoSeconds(o.timeMs),
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    awsRegion: o.bucketRegion,
    sourceIPAddress: CLOUDTRAIL_SERVICE,
    userAgent: CLOUDTRAIL_SERVICE,
    requestParameters: {
      bucketName: o.bucket,
      Host: `${o.bucket}.s3.${o.bucketRegion}.amazonaws.com`,
      'x-amz-acl': 'bucket-owner-full-control',
      ...sse,
      key: o.key,
    },
    responseElements: sse,
    additionalEventData: additionalEventData({
      bytesIn: o.bytes,
      bytesOut: 0,
      presigned: false,
      hostId: randomBytes(32).toString('base64'),
    }),
    requestID: requestId,
    eventID: uuid(),
    readOnly: false,
    resources,
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: o.bucketOwner,
    eventCategory: 'Data',
  };
  return { record, eventTimeMs: o.timeMs, accountId: o.bucketOwner, region: o.bucketRegion, category: 'data', lookupResources: lookup };
}
